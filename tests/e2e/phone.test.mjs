// Issue 09: the desk on a 390×844 phone and on a 1440×900 laptop, in both themes. Cards on the first phone screen,
// one stage at a time (tabs and swipe), moving a card from its menu with the notice in view, the deal panel full
// screen with focus inside it, delete asked first, no sideways scrolling at 360 px, and the dark theme remembered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, assertNoErrors, assertAccessible, signIn, pageApi } from './helpers.mjs';

let context;
before(async () => { context = await launch({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true }); });
after(async () => { await context?.close(); });

const api = pageApi;

const inView = async (locator, height = 844) => {
  const box = await locator.boundingBox();
  return box !== null && box.y >= 0 && box.y + box.height <= height && box.x >= 0;
};

const noSidewaysScroll = (page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

async function swipe(page, fromX, toX, y) {
  const cdp = await page.context().newCDPSession(page);
  const point = (x) => [{ x, y }];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: point(fromX) });
  for (let i = 1; i <= 5; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: point(fromX + ((toX - fromX) * i) / 5) });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('on a phone the first screen shows cards, one stage at a time, switched by tabs and by swiping', async () => {
  const page = await openPage(context);
  await signIn(page);
  const first = page.locator('section.column.shown article.card').first();
  await first.waitFor();
  // Once the first sync's progress has left the top bar, the layout is settled.
  await page.locator('.sync-status[data-synced="true"]').waitFor();
  await page.waitForFunction(() => !document.querySelector('.sync-progress'));
  assert.ok(await inView(first), `a deal card is on the first screen: ${JSON.stringify(await first.boundingBox())}`);
  assert.equal(await page.locator('section.column:visible').count(), 1, 'one stage at a time');
  const tabs = page.getByRole('tablist', { name: 'Etapas' }).getByRole('tab');
  assert.equal(await tabs.first().getAttribute('aria-selected'), 'true');
  await tabs.nth(1).click();
  await page.locator('section.column.shown[data-stage="stg_calificado"]').waitFor();
  assert.equal(await tabs.nth(1).getAttribute('aria-selected'), 'true');
  // A swipe to the left shows the next stage, to the right the previous one.
  const box = await page.locator('section.column.shown').boundingBox();
  await swipe(page, 320, 60, box.y + 40);
  await page.locator('section.column.shown[data-stage="stg_propuesta"]').waitFor();
  await swipe(page, 60, 320, box.y + 40);
  await page.locator('section.column.shown[data-stage="stg_calificado"]').waitFor();
  // Arrow keys move between the tabs.
  await tabs.nth(1).focus();
  await page.keyboard.press('ArrowRight');
  await page.locator('section.column.shown[data-stage="stg_propuesta"]').waitFor();
  assert.ok(await noSidewaysScroll(page));
  // Touch targets: the move menu and the drag handle are at least 44 px tall.
  const card = page.locator('section.column.shown article.card').first();
  assert.ok((await card.getByLabel('Mover a etapa').boundingBox()).height >= 44);
  assert.ok((await card.locator('.drag-handle').boundingBox()).height >= 44);
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('on a phone a card moves from its menu, with the notice and its Undo in view', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await api(page, 'POST', '/api/v1/deals', {
    name: 'Mover desde el móvil', pipeline_id: 'pip_nuevo', stage_id: 'stg_prospeccion', account_id: 'acc_0002',
    amount: { minor: 50000, currency: 'EUR' }, position: -1e9,
  });
  await page.reload();
  const card = page.locator(`article[data-deal="${deal.id}"]`);
  await card.getByLabel('Mover a etapa').selectOption('stg_calificado');
  const toast = page.locator('.toast');
  await toast.waitFor();
  assert.ok(await inView(toast), 'the notice is on the screen');
  assert.ok(await inView(toast.getByRole('button', { name: 'Deshacer' })));
  await page.getByRole('tab', { name: /Calificado/ }).click();
  await page.locator('section.column.shown[data-stage="stg_calificado"]').waitFor();
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  assert.equal((await api(page, 'GET', `/api/v1/deals/${deal.id}`)).stage_id, 'stg_calificado');
  assertNoErrors(page);
  await page.close();
});

test('on a phone a long press picks a card up; dropped on another stage\'s tab it moves there; a moving finger scrolls', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await api(page, 'POST', '/api/v1/deals', {
    name: 'Arrastrar con el dedo', pipeline_id: 'pip_nuevo', stage_id: 'stg_prospeccion', account_id: 'acc_0002',
    amount: { minor: 70000, currency: 'EUR' }, position: -1e9,
  });
  // Deals above it, so that it starts below the first screen, far from the tabs.
  const above = [];
  for (let i = 0; i < 10; i++) {
    above.push(await api(page, 'POST', '/api/v1/deals', {
      name: `Encima ${i}`, pipeline_id: 'pip_nuevo', stage_id: 'stg_prospeccion', account_id: 'acc_0002',
      amount: { minor: 1000, currency: 'EUR' }, position: -2e9 + i,
    }));
  }
  await page.reload();
  const card = page.locator(`article[data-deal="${deal.id}"]`);
  await card.waitFor();
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, x, y) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  const at = async () => {
    const box = await card.locator('h3').boundingBox();
    return [box.x + 10, box.y + box.height / 2];
  };
  let [x, y] = await at();

  // (Earlier specs may have put other deals first: the card is brought into view, under the tabs, which stay at
  // the top.)
  await card.scrollIntoViewIfNeeded();
  [x, y] = await at();
  // A finger that moves at once scrolls: nothing is picked up.
  await touch('touchStart', x, y);
  for (let i = 1; i <= 4; i++) await touch('touchMove', x, y - 10 * i);
  await touch('touchEnd');
  await page.waitForTimeout(600);
  assert.equal(await page.locator('.drag-ghost').count(), 0, 'a scrolling finger does not pick the card up');

  // A finger that rests picks it up; carried onto the "Calificado" tab, the card goes to that stage.
  // (The finger may have scrolled the page: the card is found again where it is now.)
  await card.scrollIntoViewIfNeeded();
  [x, y] = await at();
  const tab = page.getByRole('tab', { name: /Calificado/ });
  const target = await tab.boundingBox();
  await touch('touchStart', x, y);
  await page.waitForTimeout(700);
  await page.locator('.drag-ghost').waitFor();
  const [tx, ty] = [target.x + target.width / 2, target.y + target.height / 2];
  for (let i = 1; i <= 8; i++) await touch('touchMove', x + ((tx - x) * i) / 8, y + ((ty - y) * i) / 8);
  await page.locator('.stage-tab.drop-target').filter({ hasText: 'Calificado' }).waitFor();
  await touch('touchEnd');
  await cdp.detach();
  const toast = page.locator('.toast');
  await toast.waitFor();
  assert.ok(await inView(toast), 'the notice is on the screen');
  assert.ok(await page.locator('section.column.shown[data-stage="stg_prospeccion"]').count() === 1, 'the stage shown stays');
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  assert.equal((await api(page, 'GET', `/api/v1/deals/${deal.id}`)).stage_id, 'stg_calificado');
  await tab.click();
  await page.locator(`section.column.shown[data-stage="stg_calificado"] article[data-deal="${deal.id}"]`).waitFor();
  for (const other of above) {
    await page.evaluate(async (id) => fetch(`/api/v1/deals/${id}`, { method: 'DELETE', headers: { 'x-trato-csrf': '1' } }), other.id);
  }
  assertNoErrors(page);
  await page.close();
});

test('on a phone the deal panel opens full screen with focus in it, and deleting asks first', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await api(page, 'POST', '/api/v1/deals', {
    name: 'Panel a pantalla completa', pipeline_id: 'pip_nuevo', stage_id: 'stg_prospeccion', account_id: 'acc_0002',
    amount: { minor: 50000, currency: 'EUR' }, position: -1e9,
  });
  await page.reload();
  const card = page.locator(`article[data-deal="${deal.id}"]`);
  await card.focus();
  await page.keyboard.press('Enter');
  const panel = page.locator(`section[data-panel="${deal.id}"]`);
  const title = panel.getByRole('heading', { name: 'Panel a pantalla completa' });
  await title.waitFor();
  const box = await panel.boundingBox();
  assert.ok(box.y <= 1 && box.x <= 1 && box.width >= 389, `the panel covers the screen: ${JSON.stringify(box)}`);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'panel-title', 'focus moved into the panel');
  // A saved field keeps the focus.
  const name = panel.getByLabel('Nombre del trato');
  await name.fill('Panel a pantalla completa 2');
  await name.press('Enter');
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'INPUT', 'focus stays on the field');
  await assertAccessible(page);
  // Deleting asks first; cancelling keeps the deal.
  await panel.getByRole('button', { name: 'Borrar trato' }).click();
  const dialog = page.getByRole('dialog', { name: '¿Borrar «Panel a pantalla completa 2»?' });
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Cancelar' }).click();
  assert.equal((await api(page, 'GET', `/api/v1/deals/${deal.id}`)).name, 'Panel a pantalla completa 2');
  // Escape closes the panel and focus is back on the card.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await page.waitForFunction((id) => document.activeElement?.dataset?.deal === id, deal.id);
  await card.click();
  await panel.getByRole('button', { name: 'Borrar trato' }).click();
  await dialog.getByRole('button', { name: 'Borrar' }).click();
  await card.waitFor({ state: 'detached' });
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  assert.equal((await page.evaluate(async (id) => (await fetch(`/api/v1/deals/${id}`)).status, deal.id)), 404);
  assertNoErrors(page, [/status of 404/]);
  await page.close();
});

test('no page of the desk scrolls sideways at 360 px', async () => {
  const page = await openPage(context);
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page);
  for (const path of ['/', '/cases', '/inbox', '/kb', '/accounts', '/accounts/acc_0001', '/contacts', '/today']) {
    await page.goto(`${BASE}${path}`);
    await page.locator('main').first().waitFor();
    await page.waitForTimeout(300);
    assert.ok(await noSidewaysScroll(page), `${path} scrolls sideways`);
  }
  // The less used sections open from "Más" in the bottom bar.
  await page.getByRole('button', { name: 'Más' }).click();
  await page.getByRole('link', { name: 'Contactos' }).click();
  await page.getByRole('heading', { level: 1, name: 'Contactos' }).waitFor();
  await assertAccessible(page);
  await page.goto(`${BASE}/login`);
  await page.context().clearCookies();
  assertNoErrors(page, [/status of 401/]);
  await page.close();
});

test('on a phone the sync progress and a long status take no room: the cards do not move', async () => {
  const page = await openPage(context);
  await signIn(page);
  const card = page.locator('article.card').first();
  await card.waitFor();
  await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });
  const before = (await card.boundingBox()).y;
  // What a first sync shows: the progress bar and the longest status the desk writes.
  await page.evaluate(() => {
    const progress = document.createElement('progress');
    progress.className = 'sync-progress';
    progress.max = 51502;
    progress.value = 1200;
    document.querySelector('.topbar').prepend(progress);
    document.querySelector('.sync-status').textContent = 'Sincronizando 1.200 de 51.502 registros · 3 cambios pendientes';
  });
  const during = (await card.boundingBox()).y;
  assert.equal(during, before, `the first card stays at ${before} px (was at ${during} px during the sync)`);
  assertNoErrors(page);
  await page.close();
});

test('the dark theme is applied, remembered on the device, and passes axe', async () => {
  const page = await openPage(context);
  await signIn(page);
  await page.getByLabel('Tema').selectOption('dark');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await page.reload();
  await page.locator('article.card').first().waitFor();
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'remembered after a reload');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(background, 'rgb(18, 22, 29)');
  await assertAccessible(page);
  // The choice is on the page before the wasm runs (no flash of the light theme): with the wasm held back, the
  // root already carries it.
  // (A profile of its own with no service worker, so the held request cannot be served from its cache.)
  const bare = await launch({ serviceWorkers: 'block' });
  try {
    await bare.addInitScript(() => localStorage.setItem('trato.theme', 'dark'));
    const held = await bare.newPage();
    await held.route('**/*_bg.wasm', () => {});
    await held.goto(page.url(), { waitUntil: 'domcontentloaded' });
    assert.equal(await held.getAttribute('html', 'data-theme'), 'dark', 'applied before the wasm starts');
    assert.equal(await held.locator('header, main').count(), 0, 'nothing drawn by the wasm yet');
  } finally {
    await bare.close();
  }
  await page.getByLabel('Tema').selectOption('');
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  assertNoErrors(page);
  await page.close();
});

test('on a laptop the toolbar is one line: filters fold into a popover and show as removable chips', async () => {
  const laptop = await launch({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await openPage(laptop);
    await signIn(page);
    const board = page.locator('.board');
    await page.locator('article.card').first().waitFor();
    await page.screenshot({ path: '/tmp/laptop.png' });
    assert.ok((await board.boundingBox()).y < 260, `the board starts high on the screen: ${(await board.boundingBox()).y}`);
    await page.getByRole('button', { name: 'Filtros' }).click();
    await page.getByLabel('Solo estancados').check();
    await page.getByRole('button', { name: 'Listo' }).click();
    const chip = page.getByRole('button', { name: 'Quitar el filtro «Solo estancados»' });
    await chip.waitFor();
    await page.getByRole('button', { name: 'Filtros (1)' }).waitFor();
    const all = await page.locator('article.card').count();
    await chip.click();
    await page.getByRole('button', { name: 'Filtros', exact: true }).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('article.card').length > n, all);
    await assertAccessible(page);
    assertNoErrors(page);
    await page.close();
  } finally {
    await laptop.close();
  }
});
