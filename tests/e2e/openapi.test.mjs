// The Trato protocol's OpenAPI 3.1 document (`protocol/openapi.yaml`) kept true: schemathesis (PyPI, installed by
// `cargo xtask`) generates requests from it against a live trato-server with a fresh database, signed in as a
// rep, and every answer must be a documented status with a documented body and content type, and never a 5xx.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

test('every answer of the live server conforms to the OpenAPI document', async () => {
  assert.ok(process.env.TRATO_SCHEMATHESIS_BIN, 'TRATO_SCHEMATHESIS_BIN is set by cargo xtask');
  const db = join(mkdtempSync(join(tmpdir(), 'trato-openapi-')), 't.sqlite');
  const server = await startServer({ db });
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' },
      body: JSON.stringify({ email: DEMO.email, password: DEMO.password }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie').split(';')[0];
    const { code, out } = await schemathesis([
      'run', join(ROOT, 'protocol/openapi.yaml'),
      '--url', `${server.url}/api/v1`,
      '-H', `Cookie: ${cookie}`, '-H', 'x-trato-csrf: 1',
      '--checks', 'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance',
      '--mode', 'positive', '--phases', 'examples,coverage,fuzzing', '-n', '25', '--seed', '20261130',
      '--generation-deterministic', '--no-color', '--workers', '2',
      // Signing out would end the session the other requests use.
      '--exclude-path', '/auth/logout',
    ]);
    assert.equal(code, 0, out);
    assert.match(out, /API Operations:\s+Selected: (\d+)\/\1/);
  } finally {
    // The kill is sent at once; its exit is not awaited (the backend's process is unreferenced, so waiting for
    // it would leave nothing to keep this file's event loop alive).
    server.stop();
  }
});
