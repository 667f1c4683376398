// A real Tryton 8.2 for the end-to-end tests and the bench: a copy of the template database that `cargo xtask`
// seeds (`tests/tryton/seed.py`), served by its own `trytond` on a free loopback port with CORS for the desk's
// origin, and its JSON-RPC as the seeded rep, the way any other Tryton client calls it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port. */
export function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  const started = Date.now();
  while (Date.now() - started < 60000) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.end(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`trytond did not listen on ${port}`);
}

/**
 * Starts `trytond` on `port` over a fresh copy of the template, allowing `origin` (the desk) by CORS. Returns its
 * URL, `rpc(method, params)` as the seeded rep, and `stop()`.
 */
export async function startTryton({ port, origin }) {
  const url = `http://127.0.0.1:${port}`;
  const dir = mkdtempSync(join(tmpdir(), 'trato-tryton-'));
  copyFileSync(process.env.TRATO_TRYTON_TEMPLATE, join(dir, 'trato.sqlite'));
  writeFileSync(join(dir, 'trytond.conf'),
    `[database]\nuri = sqlite://\npath = ${dir}\n\n[web]\nlisten = 127.0.0.1:${port}\ncors =\n    ${origin}\n`);
  const child = spawn(process.env.TRATO_TRYTON_BIN, ['-c', join(dir, 'trytond.conf'), '-d', 'trato'], { stdio: 'ignore' });
  await waitForPort(port);
  let auth;
  const post = async (body) => (await fetch(`${url}/trato/rpc/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  })).json();
  async function rpc(method, params) {
    if (!auth) {
      const login = await post({ id: 1, method: 'common.db.login', params: ['lucia', { password: 'trato-demo' }] });
      const [userId, token] = login.result;
      auth = `Session ${Buffer.from(`lucia:${userId}:${token}`).toString('base64')}`;
    }
    const answer = await post({ id: 2, method, params: [...params, {}] });
    assert.equal(answer.error ?? null, null, `${method} failed: ${JSON.stringify(answer.error)}`);
    return answer.result;
  }
  const stop = () => child.kill('SIGKILL');
  return { url, rpc, stop };
}

/** Fills the desk's sign-in form for the seeded Tryton rep on the server at `trytonUrl` (without submitting it). */
export async function fillTrytonSignIn(page, trytonUrl) {
  await page.getByLabel('Servidor CRM').selectOption('tryton');
  await page.getByLabel('Dirección del servidor Tryton').fill(trytonUrl);
  await page.getByLabel('Base de datos').fill('trato');
  await page.getByLabel('Usuario').fill('lucia');
  await page.getByLabel('Contraseña').fill('trato-demo');
}
