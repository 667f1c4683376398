// Issue 02: the pipeline workspace. Moves by mouse and keyboard saved on the server with live totals, undo,
// a refused save kept with its reason, filters and saved views, the deal panel (edit, log a call), the lost reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, assertNoErrors, assertAccessible, signIn } from './helpers.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

/** Creates a deal through the API at the top of a stage; returns it. */
async function createDeal(page, name, stage, minor = 100000) {
  return page.evaluate(async ({ name, stage, minor }) => {
    const response = await fetch('/api/v1/deals', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trato-csrf': '1', 'idempotency-key': `e2e-${encodeURIComponent(name)}` },
      body: JSON.stringify({ name, pipeline_id: 'pip_nuevo', stage_id: stage, account_id: 'acc_0002', amount: { minor, currency: 'EUR' }, position: -1e9 + Math.random() }),
    });
    return response.json();
  }, { name, stage, minor });
}

async function apiGet(page, path) {
  return page.evaluate(async (path) => (await fetch(path)).json(), path);
}

async function columnTotal(page, stage) {
  return (await page.locator(`section[data-stage="${stage}"] .column-total`).textContent()).trim();
}

async function expectedTotal(page, stage) {
  return page.evaluate(async (stage) => {
    let deals = [], cursor = null;
    do {
      const p = await (await fetch(`/api/v1/deals?stage_id=${stage}&limit=1000` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''))).json();
      deals.push(...p.items); cursor = p.next_cursor;
    } while (cursor);
    const sum = deals.reduce((s, d) => s + d.amount.minor, 0);
    return new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' }).format(sum / 100);
  }, stage);
}

function card(page, id) {
  return page.locator(`article[data-deal="${id}"]`);
}

async function waitForStage(page, id, stage) {
  for (let i = 0; i < 50; i++) {
    const deal = await apiGet(page, `/api/v1/deals/${id}`);
    if (deal.stage_id === stage) return deal;
    await page.waitForTimeout(100);
  }
  assert.fail(`deal ${id} never reached ${stage}`);
}

test('dragging a card with the mouse saves the move and updates both columns\' totals', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Arrastre con ratón', 'stg_prospeccion', 777700);
  await page.reload();
  await card(page, deal.id).waitFor();
  const box = await card(page, deal.id).boundingBox();
  const target = await page.locator('section[data-stage="stg_calificado"] .column-head').boundingBox();
  await page.mouse.move(box.x + 40, box.y + 20);
  await page.mouse.down();
  await page.mouse.move(box.x + 60, box.y + 40, { steps: 4 });
  await page.mouse.move(target.x + target.width / 2, target.y + target.height + 30, { steps: 12 });
  await page.mouse.up();
  await page.locator('section[data-stage="stg_calificado"]').locator(`article[data-deal="${deal.id}"]`).waitFor();
  const saved = await waitForStage(page, deal.id, 'stg_calificado');
  assert.equal(saved.version, 2);
  await page.getByRole('status').filter({ hasText: 'movido a Calificado' }).waitFor();
  assert.equal(await columnTotal(page, 'stg_calificado'), await expectedTotal(page, 'stg_calificado'));
  assert.equal(await columnTotal(page, 'stg_prospeccion'), await expectedTotal(page, 'stg_prospeccion'));
  assertNoErrors(page);
  await page.close();
});

test('a card moves by keyboard, and the move can be undone from the toast and with Ctrl+Z', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Movimiento con teclado', 'stg_prospeccion');
  await page.reload();
  await card(page, deal.id).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await waitForStage(page, deal.id, 'stg_propuesta');
  await page.locator(`section[data-stage="stg_propuesta"] article[data-deal="${deal.id}"]`).waitFor();
  // Undo from the toast.
  await page.getByRole('button', { name: 'Deshacer' }).click();
  await waitForStage(page, deal.id, 'stg_prospeccion');
  await page.locator(`section[data-stage="stg_prospeccion"] article[data-deal="${deal.id}"]`).waitFor();
  // Move again by keyboard, then undo with Ctrl+Z.
  await card(page, deal.id).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await waitForStage(page, deal.id, 'stg_calificado');
  await page.locator('h1').click();
  await page.keyboard.press('Control+z');
  await waitForStage(page, deal.id, 'stg_prospeccion');
  assertNoErrors(page);
  await page.close();
});

test('a move the server refuses is kept with the reason next to the card until the rep discards it', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Borrado por otro', 'stg_prospeccion');
  await page.reload();
  await card(page, deal.id).waitFor();
  // Someone else deletes the deal meanwhile; the server now answers 404 to the move.
  await page.evaluate(async (id) => fetch(`/api/v1/deals/${id}`, { method: 'DELETE', headers: { 'x-trato-csrf': '1' } }), deal.id);
  await card(page, deal.id).focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await page.locator('.toast.error').filter({ hasText: 'No se pudo guardar «Borrado por otro»' }).waitFor();
  const moved = page.locator(`section[data-stage="stg_calificado"] article[data-deal="${deal.id}"]`);
  await moved.locator('.held-badge', { hasText: 'No guardado' }).waitFor();
  assert.equal(await page.locator('.sync-status').getAttribute('data-held'), '1');
  // The panel says why and lets the rep drop the change; the card then follows the server (the deal is gone).
  await moved.click();
  const notice = page.locator('.held-notice');
  await notice.getByText('El servidor rechazó el cambio de «Borrado por otro»: Ya no existe: otra persona lo ha borrado.').waitFor();
  await assertAccessible(page);
  await notice.getByRole('button', { name: 'Descartar el cambio' }).click();
  await card(page, deal.id).waitFor({ state: 'detached' });
  await page.locator('.sync-status[data-held="0"][data-pending="0"]').waitFor();
  // The refused request is logged by Chromium as a failed (404) resource load.
  assertNoErrors(page, [/status of 404/]);
  await page.close();
});

test('dropping on a lost stage asks for the reason, which is saved', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Se pierde por precio', 'stg_negociacion');
  await page.reload();
  await card(page, deal.id).getByLabel('Mover a etapa').selectOption('stg_perdido');
  const dialog = page.getByRole('dialog', { name: '¿Por qué se perdió?' });
  await dialog.waitFor();
  await assertAccessible(page);
  await dialog.getByLabel('Motivo de la pérdida').fill('Precio');
  await dialog.getByRole('button', { name: 'Marcar como perdido' }).click();
  const saved = await waitForStage(page, deal.id, 'stg_perdido');
  assert.equal(saved.lost_reason, 'Precio');
  assert.ok(saved.closed_on, 'a lost deal gets a close date');
  assertNoErrors(page);
  await page.close();
});

test('filters narrow the board and a saved view survives a reload', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Zanahorias ecológicas', 'stg_prospeccion');
  await page.reload();
  await page.getByRole('searchbox', { name: 'Buscar' }).fill('zanahorias');
  await card(page, deal.id).waitFor();
  assert.equal(await page.locator('article.card').count(), 1);
  await page.getByRole('button', { name: 'Guardar vista' }).click();
  await page.getByLabel('Nombre de la vista').fill('Zanahorias');
  await page.getByRole('button', { name: 'Guardar', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Vista «Zanahorias» guardada' }).waitFor();
  await page.reload();
  await card(page, deal.id).waitFor();
  assert.equal(await page.locator('article.card').count(), 1);
  assert.equal(await page.getByRole('searchbox', { name: 'Buscar' }).inputValue(), 'zanahorias');
  // In a fresh visit the view is in the list and applies its filters.
  await page.goto(page.url().split('?')[0]);
  await page.getByRole('combobox', { name: 'Vista guardada' }).selectOption({ label: 'Zanahorias' });
  await card(page, deal.id).waitFor();
  assert.equal(await page.locator('article.card').count(), 1);
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('the deal panel edits a field, logs a call and survives a reload', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Panel de detalle', 'stg_prospeccion', 100000);
  await page.reload();
  await card(page, deal.id).click();
  const panel = page.locator(`section[data-panel="${deal.id}"]`);
  await panel.getByRole('heading', { level: 2, name: 'Panel de detalle' }).waitFor();
  assert.match(page.url(), new RegExp(`/deals/${deal.id}$`));
  // A bad amount is refused next to the field; a good one is saved.
  const amount = panel.getByLabel(/Importe/);
  await amount.fill('doce');
  await amount.press('Tab');
  await panel.getByText('Escribe un importe, por ejemplo 1.250,50').waitFor();
  await amount.fill('2.500,50');
  await amount.press('Tab');
  for (let i = 0; i < 50 && (await apiGet(page, `/api/v1/deals/${deal.id}`)).amount.minor !== 250050; i++) await page.waitForTimeout(100);
  assert.equal((await apiGet(page, `/api/v1/deals/${deal.id}`)).amount.minor, 250050);
  // Other contacts of the account can take part.
  await panel.getByLabel('Otros participantes').selectOption(['con_0202']);
  for (let i = 0; i < 50 && (await apiGet(page, `/api/v1/deals/${deal.id}`)).participant_ids.length === 0; i++) await page.waitForTimeout(100);
  assert.deepEqual((await apiGet(page, `/api/v1/deals/${deal.id}`)).participant_ids, ['con_0202']);
  // Log a call.
  await panel.getByLabel('Tipo').selectOption('call');
  await panel.getByLabel('Asunto').fill('Llamada de seguimiento <b>hoy</b>');
  await panel.getByRole('button', { name: 'Guardar' }).click();
  await panel.locator('.timeline-item').filter({ hasText: 'Llamada de seguimiento <b>hoy</b>' }).waitFor();
  const activities = await apiGet(page, `/api/v1/activities?deal_id=${deal.id}`);
  assert.ok(activities.items.some((a) => a.kind === 'call' && a.subject === 'Llamada de seguimiento <b>hoy</b>'));
  await assertAccessible(page);
  // The panel has its own URL: a reload shows it again; Escape closes it.
  await page.reload();
  await panel.getByRole('heading', { level: 2, name: 'Panel de detalle' }).waitFor();
  await panel.locator('.timeline-item').filter({ hasText: 'Llamada de seguimiento' }).waitFor();
  await page.locator('h1').click();
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  assertNoErrors(page);
  await page.close();
});

test('quick add puts a new deal at the top of its column at once and saves it with a new account', async () => {
  const page = await openPage(context);
  await signIn(page);
  const column = page.locator('section[data-stage="stg_calificado"]');
  await column.getByRole('button', { name: 'Añadir trato en Calificado' }).click();
  await column.getByLabel('Nombre del trato').fill('Alta rápida de aceite');
  await column.getByLabel('Cuenta').fill('Aceites Nuevos del Sur');
  await column.getByLabel('Importe').fill('1.500');
  await column.getByRole('button', { name: 'Añadir', exact: true }).click();
  const first = column.locator('article.card').first();
  await first.locator('h3', { hasText: 'Alta rápida de aceite' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Trato «Alta rápida de aceite» creado' }).waitFor();
  // Saved in the background: the card takes the server's id once the outbox has sent it.
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  const found = await apiGet(page, '/api/v1/deals?q=' + encodeURIComponent('Alta rápida de aceite'));
  assert.equal(found.items.length, 1);
  const deal = found.items[0];
  assert.equal(deal.stage_id, 'stg_calificado');
  assert.equal(deal.amount.minor, 150000);
  const account = await apiGet(page, `/api/v1/accounts/${deal.account_id}`);
  assert.equal(account.name, 'Aceites Nuevos del Sur');
  assert.equal(await first.getAttribute('data-deal'), deal.id);
  assertNoErrors(page);
  await page.close();
});

test('next and previous deal by keyboard keep the panel open', async () => {
  const page = await openPage(context);
  await signIn(page);
  const cards = page.locator('section[data-stage="stg_prospeccion"] article.card');
  const firstId = await cards.nth(0).getAttribute('data-deal');
  const secondId = await cards.nth(1).getAttribute('data-deal');
  await cards.nth(0).focus();
  await page.keyboard.press('Enter');
  await page.locator(`section[data-panel="${firstId}"]`).waitFor();
  await page.keyboard.press('Alt+ArrowDown');
  await page.locator(`section[data-panel="${secondId}"]`).waitFor();
  await page.keyboard.press('Alt+ArrowUp');
  await page.locator(`section[data-panel="${firstId}"]`).waitFor();
  assertNoErrors(page);
  await page.close();
});
