// The Trato protocol's OpenAPI 3.1 document (`protocol/openapi.yaml`) kept true: schemathesis (PyPI, installed by
// `cargo xtask`) generates requests from it against a live trato-server with a fresh database, signed in as a
// rep, and every answer must be a documented status with a documented body and content type, and never a 5xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, DEMO } from './helpers.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

function schemathesis(args) {
  return new Promise((resolve) => {
    const child = spawn(process.env.TRATO_SCHEMATHESIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: mkdtempSync(join(tmpdir(), 'trato-st-')) });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

/** Runs schemathesis over the operations `filter` selects, with the `credential` header; its exit code and output. */
function check(base, credential, filter) {
  return schemathesis([
    'run', join(ROOT, 'protocol/openapi.yaml'),
    '--url', `${base}/api/v1`,
    '-H', credential, '-H', 'x-trato-csrf: 1',
    '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
    '--mode', 'positive', '--phases', 'examples,coverage,fuzzing', '-n', '25', '--seed', '20261130',
    '--generation-deterministic', '--no-color', '--workers', '2',
    ...filter,
  ]);
}

/** A demo customer's portal session cookie, signed in through the mailed link as a customer would be. */
async function customerCookie(base, mailDir) {
  const email = 'ana@cliente-uno.example';
  const asked = await fetch(`${base}/api/v1/portal/auth/link`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' }, body: JSON.stringify({ email, locale: 'es' }),
  });
  assert.equal(asked.status, 202);
  let token;
  for (let i = 0; i < 100 && !token; i++) {
    const mails = readdirSync(mailDir).map((f) => readFileSync(join(mailDir, f), 'utf8')).filter((m) => m.includes(email));
    token = mails.map((m) => /#token=([A-Za-z0-9_-]+)/.exec(m)?.[1]).find(Boolean);
    if (!token) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(token, 'the sign-in link was mailed');
  const redeemed = await fetch(`${base}/api/v1/portal/auth/redeem`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' }, body: JSON.stringify({ token }),
  });
  assert.equal(redeemed.status, 200);
  return redeemed.headers.get('set-cookie').split(';')[0];
}

test('every answer of the live server conforms to the OpenAPI document', async () => {
  assert.ok(process.env.TRATO_SCHEMATHESIS_BIN, 'TRATO_SCHEMATHESIS_BIN is set by cargo xtask');
  const dir = mkdtempSync(join(tmpdir(), 'trato-openapi-'));
  const mailDir = join(dir, 'mail');
  const server = await startServer({ db: join(dir, 't.sqlite'), extra: ['--mail-dir', mailDir] });
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' },
      body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    // A rep: everything but the portal (signing out would end the session the other requests use).
    const rep = await check(server.url, `Cookie: ${cookie}`, ['--exclude-path-regex', '^/(portal|widget)/', '--exclude-path', '/auth/logout']);
    assert.equal(rep.code, 0, rep.out);
    // A customer: the portal.
    const portal = await customerCookie(server.url, mailDir);
    const customer = await check(server.url, `Cookie: ${portal}`, ['--include-path-regex', '^/portal/']);
    assert.equal(customer.code, 0, customer.out);
    // A visitor of the demo site: the widget.
    const session = await fetch(`${server.url}/api/v1/widget/session`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' }, body: JSON.stringify({ site: 'demo' }),
    });
    assert.equal(session.status, 201);
    const { token } = await session.json();
    const visitor = await check(server.url, `Authorization: Bearer ${token}`, ['--include-path-regex', '^/widget/']);
    assert.equal(visitor.code, 0, visitor.out);
    // Last, signing out, as each of them.
    const out = await check(server.url, `Cookie: ${cookie}`, ['--include-path', '/auth/logout']);
    const portalOut = await check(server.url, `Cookie: ${portal}`, ['--include-path', '/portal/auth/logout']);
    for (const { code, out: text } of [out, portalOut]) assert.equal(code, 0, text);
    for (const { out: text } of [rep, customer, visitor, out, portalOut]) assert.match(text, /Tested: [1-9]/);
  } finally {
    // The kill is sent at once; its exit is not awaited (the backend's process is unreferenced, so waiting for
    // it would leave nothing to keep this file's event loop alive).
    server.stop();
  }
});
