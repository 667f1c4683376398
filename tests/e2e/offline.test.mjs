// Issue 03: the offline-first desk. Changes made offline survive a reload and reach the server exactly once; a
// backend that stops mid-sync loses and doubles nothing; conflicts are shown and resolved both ways; the desk opens
// with the backend down after one visit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, assertNoErrors, assertAccessible, signIn, startServer, apiAs, DEMO } from './helpers.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

// Failed loads while offline or with the backend down are expected console noise.
const NETWORK_NOISE = [/ERR_INTERNET_DISCONNECTED/, /ERR_CONNECTION_REFUSED/, /ERR_CONNECTION_RESET/, /Failed to fetch/, /status of 412/, /ERR_FAILED/];

function card(page, id) {
  return page.locator(`article[data-deal="${id}"]`);
}

async function createDeal(api, name, stage) {
  const response = await api('/api/v1/deals', {
    method: 'POST',
    headers: { 'idempotency-key': `offline-${encodeURIComponent(name)}-${Date.now()}` },
    body: JSON.stringify({ name, pipeline_id: 'pip_nuevo', stage_id: stage, account_id: 'acc_0002', amount: { minor: 100000, currency: 'EUR' }, position: -1e9 + Math.random() }),
  });
  assert.equal(response.status, 201);
  return response.json();
}

async function synced(page) {
  // The board shows the first cards before the first pull ends: wait for the pull too.
  await page.locator('.sync-status[data-pending="0"][data-online="true"][data-synced="true"]').waitFor({ timeout: 60000 });
}

/** Opens the desk on `base`, signed in, with the service worker ready (so the app shell is cached). */
async function openDesk(base) {
  const page = await openPage(context);
  await signIn(page, { ...DEMO, base });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await synced(page);
  return page;
}

async function moveByKeyboard(page, id, steps = 1) {
  await card(page, id).focus();
  await page.keyboard.press('Space');
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
}

test('changes made offline survive a reload and reach the server exactly once', async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-off-')), 'a.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const [a, b, c] = [await createDeal(api, 'Sin red A', 'stg_prospeccion'), await createDeal(api, 'Sin red B', 'stg_prospeccion'), await createDeal(api, 'Sin red C', 'stg_prospeccion')];
  const page = await openDesk(server.url);
  await card(page, c.id).waitFor();

  await context.setOffline(true);
  await moveByKeyboard(page, a.id, 1);
  await card(page, b.id).getByLabel('Mover a etapa').selectOption('stg_propuesta');
  await card(page, c.id).click();
  const panel = page.locator(`section[data-panel="${c.id}"]`);
  await panel.getByLabel(/Importe/).fill('3.333');
  await panel.getByLabel(/Importe/).press('Tab');
  await page.locator('.sync-status[data-online="false"][data-pending="3"]').waitFor();
  await page.locator('.sync-status', { hasText: 'Sin conexión' }).waitFor();

  // A reload with no network at all: the service worker serves the desk, the cache the board and the queue.
  await page.goto(`${server.url}/`);
  await page.locator(`section[data-stage="stg_calificado"] article[data-deal="${a.id}"]`).waitFor();
  await page.locator(`section[data-stage="stg_propuesta"] article[data-deal="${b.id}"]`).waitFor();
  await page.locator('.sync-status[data-pending="3"]').waitFor();
  await assertAccessible(page);

  await context.setOffline(false);
  await synced(page);
  const get = async (id) => (await api(`/api/v1/deals/${id}`)).json();
  const [a2, b2, c2] = [await get(a.id), await get(b.id), await get(c.id)];
  assert.equal(a2.stage_id, 'stg_calificado');
  assert.equal(b2.stage_id, 'stg_propuesta');
  assert.equal(c2.amount.minor, 333300);
  // Exactly once: one write each, one stage change in each timeline.
  assert.deepEqual([a2.version, b2.version, c2.version], [2, 2, 2]);
  for (const id of [a.id, b.id]) {
    const timeline = await (await api(`/api/v1/activities?deal_id=${id}&kind=stage_change`)).json();
    assert.equal(timeline.items.length, 1, `one stage change for ${id}`);
  }
  assertNoErrors(page, NETWORK_NOISE);
  await page.close();
  await server.stop();
});

test('a backend that stops in the middle of a sync loses nothing and doubles nothing; the desk opens while it is down', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'trato-off-')), 'b.sqlite');
  let server = await startServer({ db });
  const api = await apiAs(server.url, DEMO.email);
  const moving = await createDeal(api, 'Reinicio movido', 'stg_prospeccion');
  const page = await openDesk(server.url);
  // The first create's answer is lost on the way back (the server did apply it): the retry must not double it.
  let lost = false;
  await page.route('**/api/v1/deals', async (route) => {
    try {
      if (route.request().method() === 'POST' && !lost) {
        await route.fetch();
        lost = true;
        return await route.abort('connectionreset');
      }
      return await route.continue();
    } catch {
      // The backend was stopped under this request: it fails like any lost connection.
      await route.abort('connectionrefused').catch(() => {});
    }
  });
  const column = page.locator('section[data-stage="stg_calificado"]');
  const names = ['Reinicio 1', 'Reinicio 2', 'Reinicio 3'];
  for (const name of names) {
    await column.getByRole('button', { name: 'Añadir trato en Calificado' }).click();
    await column.getByLabel('Nombre del trato').fill(name);
    await column.getByRole('button', { name: 'Añadir', exact: true }).click();
    await column.locator('h3', { hasText: name }).waitFor();
    if (name === names[0]) {
      await server.stop(); // the backend goes away with changes still queued
    }
  }
  await moveByKeyboard(page, moving.id, 2);
  await page.locator('.sync-status[data-online="false"]').waitFor();

  // The desk opens with the backend down: the shell from the service worker, the data from the cache.
  await page.goto(`${server.url}/`);
  await column.locator('h3', { hasText: 'Reinicio 3' }).waitFor();
  await page.locator(`section[data-stage="stg_propuesta"] article[data-deal="${moving.id}"]`).waitFor();
  assert.ok(Number(await page.locator('.sync-status').getAttribute('data-pending')) >= 3);

  server = await startServer({ db, port: server.port });
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await synced(page);
  const api2 = await apiAs(server.url, DEMO.email);
  for (const name of names) {
    const found = await (await api2(`/api/v1/deals?q=${encodeURIComponent(name)}`)).json();
    assert.equal(found.items.filter((d) => d.name === name).length, 1, `${name} exists exactly once`);
  }
  const moved = await (await api2(`/api/v1/deals/${moving.id}`)).json();
  assert.equal(moved.stage_id, 'stg_propuesta');
  assert.equal(moved.version, 2);
  assert.ok(lost, 'a response was lost on the way');
  assertNoErrors(page, NETWORK_NOISE);
  await page.close();
  await server.stop();
});

test('another rep\'s edit of the same deal is a conflict the rep resolves either way', async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-off-')), 'c.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const javier = await apiAs(server.url, 'javier@alameda.example');
  const mine = await createDeal(api, 'Conflicto mío', 'stg_prospeccion');
  const theirs = await createDeal(api, 'Conflicto suyo', 'stg_prospeccion');
  const page = await openDesk(server.url);
  await card(page, theirs.id).waitFor();

  await context.setOffline(true);
  for (const [deal, name] of [[mine, 'Nombre de Lucía'], [theirs, 'Otro nombre de Lucía']]) {
    await card(page, deal.id).click();
    const field = page.locator(`section[data-panel="${deal.id}"]`).getByLabel('Nombre del trato');
    await field.fill(name);
    await field.press('Tab');
  }
  // Meanwhile Javier renames both on the server.
  for (const deal of [mine, theirs]) {
    const response = await javier(`/api/v1/deals/${deal.id}`, { method: 'PATCH', headers: { 'if-match': '"1"' }, body: JSON.stringify({ name: `${deal.name} (Javier)` }) });
    assert.equal(response.status, 200);
  }
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));

  const dialog = page.getByRole('dialog', { name: /Conflicto en/ });
  await dialog.waitFor();
  await dialog.getByRole('cell', { name: 'Nombre de Lucía', exact: true }).waitFor();
  await dialog.getByRole('cell', { name: 'Conflicto mío (Javier)' }).waitFor();
  await assertAccessible(page);
  await dialog.getByRole('button', { name: 'Conservar mi cambio' }).click();

  await dialog.getByRole('cell', { name: 'Conflicto suyo (Javier)' }).waitFor();
  await dialog.getByRole('button', { name: 'Usar la del servidor' }).click();
  await synced(page);
  await page.locator('.sync-status[data-held="0"]').waitFor();

  const get = async (id) => (await api(`/api/v1/deals/${id}`)).json();
  assert.equal((await get(mine.id)).name, 'Nombre de Lucía', 'keep mine wins over the other edit');
  assert.equal((await get(theirs.id)).name, 'Conflicto suyo (Javier)', 'take theirs keeps the other edit');
  await card(page, theirs.id).locator('h3', { hasText: 'Conflicto suyo (Javier)' }).waitFor();
  assertNoErrors(page, NETWORK_NOISE);
  await page.close();
  await server.stop();
});

test('signing out with changes still queued asks first, then deletes the cached data in every tab', async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-off-')), 'd.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const deal = await createDeal(api, 'Cambio sin enviar', 'stg_prospeccion');
  const page = await openDesk(server.url);
  const other = await openPage(context);
  await other.goto(`${server.url}/`);
  await card(other, deal.id).waitFor();
  await card(page, deal.id).waitFor();

  await context.setOffline(true);
  await moveByKeyboard(page, deal.id, 1);
  await page.locator('.sync-status[data-pending="1"]').waitFor();
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  const dialog = page.getByRole('dialog', { name: '¿Cerrar sesión con cambios sin enviar?' });
  await dialog.getByText('Hay 1 cambios que aún no han llegado al servidor.', { exact: false }).waitFor();
  await assertAccessible(page);
  await dialog.getByRole('button', { name: 'Cancelar' }).click();
  await page.locator('.sync-status[data-pending="1"]').waitFor();
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await dialog.getByRole('button', { name: 'Cerrar sesión y descartarlos' }).click();
  await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  // The other tab is signed out too, and nothing of the rep is left on the device.
  await other.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  const left = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name).filter((n) => n.startsWith('trato:')));
  assert.deepEqual(left, []);
  assert.equal(await page.evaluate(() => localStorage.getItem('trato.last-session')), null);
  await context.setOffline(false);
  assert.equal((await (await api(`/api/v1/deals/${deal.id}`)).json()).stage_id, 'stg_prospeccion', 'the discarded move never left');
  assertNoErrors(page, NETWORK_NOISE);
  await other.close();
  await page.close();
  await server.stop();
});
