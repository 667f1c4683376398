// Connector files against real REST backends: PocketBase (sign-in with a token, page paging, changed-since reads,
// no If-Match: the connector compares `updated` before writing) and json-server 0.17 (no sign-in, `Link` and
// `X-Total-Count` paging, no versions, deletions seen by sweeping ids). `trato-cli check` and `export` run on
// the same connector code as the desk; the desk signs in to PocketBase through the file the server offers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, assertNoErrors, assertAccessible, startServer } from './helpers.mjs';
import { freePort } from './tryton-helpers.mjs';
import { REP, connectorFileFor, startJsonServer, startPocketBase } from './rest-backends.mjs';

let pocketbase;
let jsonServer;
let trato;
let context;
let pocketbaseFile;

/** Runs `trato-cli` with `args` and the rep's credentials in the environment: its exit code and output. */
function cli(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.env.TRATO_CLI_BIN, args, {
      env: { ...process.env, TRATO_USER: REP.email, TRATO_PASSWORD: REP.password, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

before(async () => {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  [pocketbase, jsonServer] = await Promise.all([startPocketBase({ origin }), startJsonServer()]);
  pocketbaseFile = connectorFileFor('pocketbase.toml', pocketbase.url);
  const db = join(mkdtempSync(join(tmpdir(), 'trato-connectors-')), 't.sqlite');
  trato = await startServer({ db, port, extra: ['--connector', `pocketbase=${pocketbaseFile}`] });
  context = await launch();
});

after(async () => {
  await context?.close();
  pocketbase?.stop();
  jsonServer?.stop();
  await trato?.stop();
});

test('trato-cli check passes against PocketBase: sign-in, reads, a throwaway deal, a refused stale write, changes', async () => {
  const { code, stdout } = await cli(['check', '--connector', pocketbaseFile]);
  assert.equal(code, 0, stdout);
  for (const line of ['ok      sign in: Marta Ruiz', 'pipelines and stages: 1 pipelines, 4 stages', 'deals: 3 on the first page',
    'create a deal', 'a stale write is refused as a conflict', 'the changes feed tells the new deal', 'ok      delete it']) {
    assert.ok(stdout.includes(line), `"${line}" in:\n${stdout}`);
  }
  assert.ok(stdout.includes('hidden  support cases'), stdout);
  // A wrong password fails the check, with a non-zero status.
  const refused = await cli(['check', '--connector', pocketbaseFile], { TRATO_PASSWORD: 'wrong' });
  assert.equal(refused.code, 1);
  assert.match(refused.stdout, /FAILED  sign in: not signed in/);
});

test('trato-cli check passes against the Trato protocol itself', async () => {
  const { code, stdout } = await cli(['check', '--url', trato.url], { TRATO_USER: 'lucia@alameda.example', TRATO_PASSWORD: 'trato-demo' });
  assert.equal(code, 0, stdout);
  assert.match(stdout, /What the desk will hide:\n {2}nothing/);
  assert.ok(stdout.includes('a stale write is refused as a conflict'), stdout);
});

test('trato-cli check passes against json-server, and says the last write wins', async () => {
  const file = connectorFileFor('json-server.toml', jsonServer.url);
  const { code, stdout } = await cli(['check', '--connector', file]);
  assert.equal(code, 0, stdout);
  assert.ok(stdout.includes('hidden  conflict detection: the backend cannot refuse a stale write; the last write wins'), stdout);
  assert.ok(stdout.includes('a stale write was accepted'), stdout);
  assert.ok(stdout.includes('deals: 5 on the first page'), stdout);
  // The throwaway deal is gone again (json-server writes its file just after answering).
  await until(() => JSON.parse(readFileSync(jsonServer.db, 'utf8')).deals.length, (n) => n === 7, 'the throwaway deal is deleted');
});

test('trato-cli export writes every record as JSON Lines, page after page', async () => {
  const file = connectorFileFor('json-server.toml', jsonServer.url);
  const out = mkdtempSync(join(tmpdir(), 'trato-export-'));
  const { code, stdout, stderr } = await cli(['export', '--connector', file, '--out', out]);
  assert.equal(code, 0, stdout + stderr);
  const deals = readFileSync(join(out, 'deals.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(deals.map((d) => d.name).sort(), Array.from({ length: 7 }, (_, i) => `Pedido ${i + 1}`).sort());
  assert.deepEqual(deals.find((d) => d.name === 'Pedido 3').amount, { minor: 30000, currency: 'EUR' });
  const [pipeline] = readFileSync(join(out, 'pipelines.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(pipeline.stages.map((s) => s.name), ['Nuevo', 'Propuesta', 'Ganado']);
  assert.match(stdout, /7 {2}deals/);
});

test('a mistake in a connector file is reported with its line, and credentials never go on the command line', async () => {
  const broken = join(mkdtempSync(join(tmpdir(), 'trato-broken-')), 'broken.toml');
  writeFileSync(broken, readFileSync(pocketbaseFile, 'utf8').replace('amount = { path = "amount", transform = "decimal" }', 'amount = "amount"'));
  const { code, stderr } = await cli(['check', '--connector', broken]);
  assert.equal(code, 2);
  const line = readFileSync(broken, 'utf8').split('\n').findIndex((l) => l.startsWith('amount = "amount"')) + 1;
  assert.ok(stderr.includes(`${broken}:${line}: resources.deals.fields.amount: money needs`), stderr);
  const leaked = await cli(['check', '--connector', pocketbaseFile, '--password', 'x']);
  assert.equal(leaked.code, 2);
  assert.match(leaked.stderr, /never the command line/);
});

/** Waits until `read()` returns what `done` accepts. */
async function until(read, done, what) {
  const deadline = Date.now() + 30000;
  let value;
  do {
    value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 300));
  } while (Date.now() < deadline);
  assert.fail(`${what}: last seen ${JSON.stringify(value)}`);
}

const record = (id) => pocketbase.api('GET', `/api/collections/deals/records/${id}`);

test('the desk signs in to PocketBase through the offered file, shows the board, moves and edits a deal', async () => {
  const page = await openPage(context);
  await page.goto(`${trato.url}/login`);
  const backend = page.locator('select[name="backend"]');
  await backend.locator('option', { hasText: 'PocketBase' }).waitFor({ state: 'attached' });
  await backend.selectOption({ label: 'PocketBase' });
  assert.equal(await page.getByLabel('Dirección del servidor', { exact: true }).inputValue(), pocketbase.url, 'the file gives the address');
  await page.locator('input[name="email"]').fill(REP.email);
  await page.locator('input[name="password"]').fill(REP.password);
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();

  const id = pocketbase.deals['Reforma de la nave'];
  const card = page.locator(`article[data-deal="${id}"]`);
  await card.getByText('Reforma de la nave').waitFor({ timeout: 60000 });
  await page.locator(`section[data-stage="${pocketbase.stages.Nuevo}"] article[data-deal="${id}"]`).waitFor();
  // PocketBase has no cases, chat or knowledge base here; its writes are guarded, so no last-write-wins note.
  for (const name of ['Casos', 'Chat', 'Base de conocimiento']) {
    assert.equal(await page.getByRole('link', { name, exact: true }).count(), 0, `${name} is not offered`);
  }
  assert.equal(await page.locator('.backend-note').count(), 0);
  await assertAccessible(page);

  await card.focus();
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Space');
  await until(() => record(id), (r) => r.stage === pocketbase.stages.Propuesta, 'the move reached PocketBase');

  await card.click();
  const field = page.locator(`section[data-panel="${id}"]`).getByLabel('Nombre del trato');
  await field.fill('Reforma de la nave (ampliada)');
  await field.press('Tab');
  await until(() => record(id), (r) => r.name === 'Reforma de la nave (ampliada)', 'the edit reached PocketBase');
  await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });
  assertNoErrors(page);
  await page.close();
});

test('an edit crossing one made in PocketBase is a conflict; an offline edit is sent once when back online', async () => {
  const page = await openPage(context);
  await page.goto(`${trato.url}/`);
  const id = pocketbase.deals['Renovación flota'];
  const card = page.locator(`article[data-deal="${id}"]`);
  await card.waitFor({ timeout: 60000 });
  await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });

  await context.setOffline(true);
  await card.click();
  const field = page.locator(`section[data-panel="${id}"]`).getByLabel('Nombre del trato');
  await field.fill('Renovación flota (Marta)');
  await field.press('Tab');
  // Meanwhile someone renames it in PocketBase itself.
  await pocketbase.api('PATCH', `/api/collections/deals/records/${id}`, { name: 'Renovación flota (PocketBase)' });
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const dialog = page.getByRole('dialog', { name: /Conflicto en/ });
  await dialog.waitFor({ timeout: 60000 });
  await dialog.getByRole('cell', { name: 'Renovación flota (PocketBase)' }).waitFor();
  await assertAccessible(page);
  await dialog.getByRole('button', { name: 'Usar la del servidor' }).click();
  await card.getByText('Renovación flota (PocketBase)').waitFor();
  await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });

  // Offline again: an edit waits, and reaches PocketBase once the desk is back.
  const other = pocketbase.deals['Mantenimiento anual'];
  const before = await record(other);
  await context.setOffline(true);
  await page.locator(`article[data-deal="${other}"]`).click();
  const name = page.locator(`section[data-panel="${other}"]`).getByLabel('Nombre del trato');
  await name.fill('Mantenimiento anual 2027');
  await name.press('Tab');
  await page.locator('.sync-status:not([data-pending="0"])').waitFor();
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  const after = await until(() => record(other), (r) => r.name === 'Mantenimiento anual 2027', 'the offline edit reached PocketBase');
  await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });
  // Sent once: PocketBase's own request log has one change of that deal since.
  const patches = await until(
    () => pocketbase.api('GET', `/api/logs?perPage=50&filter=${encodeURIComponent(`data.method = 'PATCH' && data.url ~ '${other}'`)}`),
    (l) => l.totalItems >= 1,
    'PocketBase logged the change',
  );
  assert.equal(patches.totalItems, 1, 'the queued edit was sent once');
  assert.ok(after.updated > before.updated);
  assertNoErrors(page, [/ERR_INTERNET_DISCONNECTED/, /ERR_FAILED/, /Failed to fetch/]);
  await page.close();
});

test('the desk on json-server: the board from a file with numeric ids and Link pages, and a note that the last change wins', async () => {
  // A second server, offering the json-server file (json-server answers any origin by CORS).
  const file = connectorFileFor('json-server.toml', jsonServer.url);
  const db = join(mkdtempSync(join(tmpdir(), 'trato-connectors-js-')), 't.sqlite');
  const desk = await startServer({ db, extra: ['--connector', `json=${file}`] });
  try {
    const page = await openPage(context);
    await page.goto(`${desk.url}/login`);
    const backend = page.locator('select[name="backend"]');
    await backend.locator('option', { hasText: 'json-server' }).waitFor({ state: 'attached' });
    await backend.selectOption({ label: 'json-server' });
    await page.locator('input[name="email"]').fill(REP.email);
    await page.locator('input[name="password"]').fill('-');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
    // All seven deals, read over two pages.
    for (let i = 1; i <= 7; i++) await page.locator('article.card').getByText(`Pedido ${i}`, { exact: true }).waitFor({ timeout: 60000 });
    await page.locator('.backend-note', { hasText: 'se queda el último cambio' }).waitFor();
    await assertAccessible(page);
    // A move reaches json-server's file, the stage written back as a number.
    const card = page.locator('article[data-deal="1"]');
    await card.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await until(() => JSON.parse(readFileSync(jsonServer.db, 'utf8')).deals.find((d) => d.id === 1), (d) => d.stageId === 2, 'the move reached json-server');
    // An edit made offline waits in the outbox and reaches json-server when the desk is back online.
    await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });
    await context.setOffline(true);
    await page.locator('article[data-deal="3"]').click();
    const name = page.locator('section[data-panel="3"]').getByLabel('Nombre del trato');
    await name.fill('Pedido 3 (urgente)');
    await name.press('Tab');
    await page.locator('.sync-status:not([data-pending="0"])').waitFor();
    await context.setOffline(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await until(() => JSON.parse(readFileSync(jsonServer.db, 'utf8')).deals.find((d) => d.id === 3), (d) => d.title === 'Pedido 3 (urgente)', 'the offline edit reached json-server');
    await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 60000 });
    assertNoErrors(page, [/ERR_INTERNET_DISCONNECTED/, /ERR_FAILED/, /Failed to fetch/]);
    await page.close();
  } finally {
    await desk.stop();
  }
});
