// Issue 09: defects found by doing a rep's everyday tasks. Each test failed before its fix: searching with a
// space, typing a close date, undoing a move of an old deal, "today" in the rep's time zone across midnight,
// a card's next activity after logging one, and a card's account on a first sign-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, openPage, assertNoErrors, signIn, pageApi } from './helpers.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

const api = pageApi;

async function createDeal(page, name, stage = 'stg_prospeccion') {
  return api(page, 'POST', '/api/v1/deals', {
    name, pipeline_id: 'pip_nuevo', stage_id: stage, account_id: 'acc_0002',
    amount: { minor: 100000, currency: 'EUR' }, position: -1e9 + Math.random(),
  });
}

const card = (page, id) => page.locator(`article[data-deal="${id}"]`);

test('searching with a space keeps the space and finds the account', async () => {
  const page = await openPage(context);
  await signIn(page);
  const search = page.getByRole('searchbox', { name: 'Buscar' });
  await search.pressSequentially('Los Arcos', { delay: 30 });
  assert.equal(await search.inputValue(), 'Los Arcos');
  await page.locator('article.card').first().waitFor();
  // Every card left has the words together in its name or its account.
  const cards = await page.locator('article.card').evaluateAll((cards) =>
    cards.map((c) => `${c.querySelector('h3').textContent} / ${c.querySelector('.card-account').textContent}`));
  assert.ok(cards.length > 0 && cards.every((c) => c.includes('Los Arcos')), cards.join(' | '));
  assert.ok(cards.some((c) => c.endsWith('Los Arcos')), 'a deal of the account Marisquería Los Arcos is found');
  assertNoErrors(page);
  await page.close();
});

test('typing a close date saves the whole date once, never a year being typed', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Fecha tecleada');
  await page.reload();
  await card(page, deal.id).click();
  const panel = page.locator(`section[data-panel="${deal.id}"]`);
  const date = panel.getByLabel('Cierre previsto');
  // Focus lands on the first part of the date, as when tabbing to it; 12/12 reads the same whichever of day and
  // month the browser's language puts first.
  await date.focus();
  await page.keyboard.type('12122026', { delay: 60 });
  await page.keyboard.press('Tab');
  let saved;
  for (let i = 0; i < 50; i++) {
    saved = await api(page, 'GET', `/api/v1/deals/${deal.id}`);
    if (saved.expected_close === '2026-12-12') break;
    await page.waitForTimeout(100);
  }
  assert.equal(saved.expected_close, '2026-12-12');
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  saved = await api(page, 'GET', `/api/v1/deals/${deal.id}`);
  assert.equal(saved.version, deal.version + 1, 'one save, not one per digit of the year');
  // A year left half-typed is not saved, and the rep is told.
  await date.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.type('20');
  await panel.getByLabel('Nombre del trato').click();
  await panel.getByText('Escribe la fecha completa').waitFor();
  assert.equal((await api(page, 'GET', `/api/v1/deals/${deal.id}`)).expected_close, '2026-12-12');
  assertNoErrors(page);
  await page.close();
});

test('undoing a move gives the deal back its days in the stage and its stalled badge', async () => {
  const page = await openPage(context);
  await signIn(page);
  // An open demo deal that has been in its stage for days and is stalled.
  const deals = (await api(page, 'GET', '/api/v1/deals?pipeline_id=pip_nuevo&limit=500')).items;
  const old = deals.find((d) => ['stg_prospeccion', 'stg_calificado'].includes(d.stage_id)
    && Date.now() - Date.parse(d.stage_entered_at) > 5 * 86400000
    && Date.now() - Date.parse(d.last_activity_at) > 30 * 86400000);
  assert.ok(old, 'the demo data has a stalled deal');
  const days = (await card(page, old.id).locator('.card-days').textContent()).trim();
  assert.match(days, /[1-9]\d* d en la etapa/);
  assert.match(days, /Estancado/);
  await card(page, old.id).getByLabel('Mover a etapa').selectOption('stg_propuesta');
  await page.locator(`section[data-stage="stg_propuesta"] article[data-deal="${old.id}"]`).waitFor();
  await page.getByRole('button', { name: 'Deshacer' }).click();
  const back = page.locator(`section[data-stage="${old.stage_id}"] article[data-deal="${old.id}"]`);
  await back.waitFor();
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  assert.equal((await back.locator('.card-days').textContent()).trim(), days);
  const saved = await api(page, 'GET', `/api/v1/deals/${old.id}`);
  assert.equal(saved.stage_entered_at, old.stage_entered_at);
  assert.equal(saved.last_activity_at, old.last_activity_at);
  await page.reload();
  assert.equal((await card(page, old.id).locator('.card-days').textContent()).trim(), days, 'after a reload too');
  assertNoErrors(page);
  await page.close();
});

test('a card shows a newly logged task at once, without a reload', async () => {
  const page = await openPage(context);
  await signIn(page);
  const deal = await createDeal(page, 'Próxima tarea');
  await page.reload();
  await card(page, deal.id).click();
  const panel = page.locator(`section[data-panel="${deal.id}"]`);
  await panel.getByLabel('Tipo').selectOption('task');
  await panel.getByLabel('Asunto').fill('Enviar catálogo de otoño');
  await panel.getByLabel('Vence el').fill('2027-01-15');
  await panel.getByRole('button', { name: 'Guardar' }).click();
  await card(page, deal.id).locator('.next-subject', { hasText: 'Enviar catálogo de otoño' }).waitFor({ timeout: 5000 });
  assertNoErrors(page);
  await page.close();
});

test("today follows the rep's time zone and rolls over at midnight", async () => {
  const madrid = await launch({ timezoneId: 'Europe/Madrid' });
  try {
    const page = await openPage(madrid);
    // 23:30 in Madrid on 1 December (22:30 UTC).
    await page.clock.install({ time: new Date('2026-12-01T22:30:00Z') });
    await signIn(page);
    const deal = await createDeal(page, 'Tarea de hoy');
    await api(page, 'POST', '/api/v1/activities', {
      kind: 'task', subject: 'Llamar antes de medianoche', deal_id: deal.id, due_on: '2026-12-01', done: false,
    });
    await page.reload();
    const next = card(page, deal.id).locator('.card-next');
    await next.getByText('Llamar antes de medianoche').waitFor();
    assert.equal(await next.getByText('Vencida').count(), 0, 'due today in Madrid: not overdue yet');
    // An hour later it is 2 December in Madrid: overdue, without a reload.
    await page.clock.fastForward('01:00:00');
    await next.getByText('Vencida').waitFor({ timeout: 5000 });
    assertNoErrors(page);
  } finally {
    await madrid.close();
  }
});

test('on a first sign-in the cards name their accounts once the first pull has them, without a reload', async () => {
  // A fresh device: the first cards come from the backend before the accounts are pulled.
  const fresh = await launch();
  try {
    const page = await openPage(fresh);
    await signIn(page);
    await page.locator('article.card').first().waitFor();
    const deals = await api(page, 'GET', '/api/v1/deals?limit=500');
    const accounts = await api(page, 'GET', '/api/v1/accounts?limit=500');
    const names = new Map((accounts.items ?? accounts).map((a) => [a.id, a.name]));
    const withAccount = (deals.items ?? deals).filter((d) => d.account_id && names.has(d.account_id));
    assert.ok(withAccount.length > 0, 'demo deals with an account');
    // Every card of a deal with an account shows its name, in time, on the board as first drawn.
    await page.waitForFunction((expected) => expected.every(([id, name]) => {
      const card = document.querySelector(`article[data-deal="${id}"] .card-account`);
      return !card || card.textContent === name;
    }), withAccount.map((d) => [d.id, names.get(d.account_id)]), { timeout: 15000 });
    const shown = await page.locator('article.card .card-account').allTextContents();
    assert.ok(shown.length > 0 && !shown.every((text) => text === 'Sin cuenta'), shown.join(' | '));
    assertNoErrors(page);
  } finally {
    await fresh.close();
  }
});
