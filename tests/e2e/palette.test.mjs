// Issue 09: the command palette. Ctrl+K opens it from anywhere; accent- and case-insensitive, fuzzy matching finds
// a deal by its name or its contact, and a case by its number; Enter jumps there; actions switch the theme and
// open the shortcuts list (also on `?`); it reads the cache, so deals are found offline too; on a phone the search
// button opens it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, assertNoErrors, assertAccessible, signIn, pageApi } from './helpers.mjs';

let context;
before(async () => { context = await launch({ viewport: { width: 1440, height: 900 } }); });
after(async () => { await context?.close(); });

const api = pageApi;

test('Ctrl+K finds a deal by an accent-free name and a case by its number, and jumps to them', async () => {
  const page = await openPage(context);
  await signIn(page);
  const contact = await api(page, 'POST', '/api/v1/contacts', {
    first_name: 'Begoña', last_name: 'Martín Ibáñez', email: 'begona@faro.example', phone: '+34 611 222 333', account_id: 'acc_0002',
  });
  const deal = await api(page, 'POST', '/api/v1/deals', {
    name: 'Renovación del camión frigorífico', pipeline_id: 'pip_nuevo', stage_id: 'stg_prospeccion', account_id: 'acc_0002',
    contact_id: contact.id, amount: { minor: 100000, currency: 'EUR' }, position: -1e9,
  });
  await page.reload();
  // The palette reads the cache: on a first visit it fills during the first sync.
  await page.locator(`article[data-deal="${deal.id}"]`).waitFor();
  await page.locator('.sync-status[data-synced="true"][data-pending="0"]').waitFor({ timeout: 120000 });
  const palette = page.getByRole('dialog', { name: 'Buscar un trato, un cliente, un caso o una acción' });
  const input = palette.getByRole('combobox');
  const option = palette.getByRole('option', { name: /Renovación del camión frigorífico/ });
  // The deal reaches the cache with a pull after the first sync: reopen until it has.
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press('Control+k');
    await input.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('role')), 'combobox', 'focus in the search');
    await input.fill('camion frigorifico');
    try {
      await option.waitFor({ timeout: 3000 });
      break;
    } catch (error) {
      if (attempt === 10) throw error;
      await page.keyboard.press('Escape');
      await page.reload();
      await page.locator('article.card').first().waitFor();
    }
  }
  await assertAccessible(page);
  // By the contact's name without accents, fuzzy, and by phone.
  await input.fill('begona martin ibanez');
  await option.waitFor();
  await input.fill('611 222');
  await option.waitFor();
  await input.fill('renovcion camn');
  await option.waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`section[data-panel="${deal.id}"]`).getByRole('heading', { name: 'Renovación del camión frigorífico' }).waitFor();

  const cases = await api(page, 'GET', '/api/v1/cases');
  const one = cases.items?.[0] ?? cases[0];
  await page.keyboard.press('Control+k');
  await input.fill(String(one.number));
  await palette.getByRole('option', { name: new RegExp(`#${one.number}`) }).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: new RegExp(`#${one.number}`) }).waitFor();
  assertNoErrors(page);
  await page.close();
});

test('palette actions switch the theme and list the shortcuts; ? lists them too', async () => {
  const page = await openPage(context);
  await signIn(page);
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Buscar un trato, un cliente, un caso o una acción' });
  await palette.getByRole('combobox').fill('tema oscuro');
  await palette.getByRole('option', { name: /Usar el tema oscuro/ }).waitFor();
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await page.locator('.theme-switch select').inputValue(), 'dark', 'the switch follows');
  await page.keyboard.press('Control+k');
  await palette.getByRole('combobox').fill('sistema');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('html', 'data-theme'), null);
  await page.locator('body').press('?');
  const list = page.getByRole('dialog', { name: 'Atajos de teclado' });
  await list.waitFor();
  await list.getByText('Buscar o ir a un trato, un caso o una acción').waitFor();
  await assertAccessible(page);
  await page.keyboard.press('Escape');
  await list.waitFor({ state: 'hidden' });
  assertNoErrors(page);
  await page.close();
});

test('offline, the palette still finds deals from the cache and cases as last seen; on a phone the search button opens it', async () => {
  const page = await openPage(context);
  await signIn(page);
  await page.locator('.sync-status[data-synced="true"]').waitFor();
  const palette = page.getByRole('dialog', { name: 'Buscar un trato, un cliente, un caso o una acción' });
  // Opened once online: the cases the backend lists are kept on the device.
  const cases = await api(page, 'GET', '/api/v1/cases');
  const one = cases.items?.[0] ?? cases[0];
  await page.keyboard.press('Control+k');
  await palette.getByRole('combobox').fill(String(one.number));
  await palette.getByRole('option', { name: new RegExp(`#${one.number}`) }).waitFor();
  await page.keyboard.press('Escape');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.setViewportSize({ width: 390, height: 844 });
  await context.setOffline(true);
  try {
    // A desk opened without a connection (from the service worker and the cache).
    await page.reload();
    await page.locator('article.card').first().waitFor();
    await page.getByRole('button', { name: 'Buscar o ir a…' }).click();
    await palette.getByRole('combobox').fill('marisqueria');
    await palette.getByRole('option').first().waitFor();
    assert.ok((await palette.getByRole('option').count()) > 0);
    await palette.getByRole('combobox').fill(String(one.number));
    await palette.getByRole('option', { name: new RegExp(`#${one.number}`) }).waitFor();
  } finally {
    await context.setOffline(false);
  }
  await page.close();
});
