// Every entry point loads with no errors under the strict CSP, and the public pages pass axe-core.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, openPage, assertNoErrors, assertAccessible } from './helpers.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

test('the desk login page loads without errors and passes axe', async () => {
  const page = await openPage(context);
  const response = await page.goto(`${BASE}/`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('the portal entry point is the help centre, which loads only its own small code, and passes axe', async () => {
  const page = await openPage(context);
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  const response = await page.goto(`${BASE}/portal/`);
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  await page.getByRole('heading', { level: 1, name: 'Centro de ayuda' }).waitFor();
  await page.getByRole('link', { name: 'Cómo descargar una factura' }).waitFor();
  assert.equal(wasm.length, 1, `one wasm: ${wasm}`);
  assert.match(wasm[0], /^\/portal\/help-[0-9a-f]+_bg\.wasm$/, 'the help centre, not the whole portal');
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('the signed-in portal, opened from a mailed link, loads in under 150 KB on the wire and passes axe in both themes', async () => {
  const page = await openPage(context);
  const requests = [];
  page.on('requestfinished', (r) => requests.push(r));
  await page.goto(`${BASE}/portal/signin`);
  await page.getByRole('heading', { level: 1, name: 'Entrar en el portal de clientes' }).waitFor();
  await page.waitForLoadState('networkidle');
  let bytes = 0;
  for (const request of requests) {
    if (new URL(request.url()).pathname.startsWith('/api/')) continue;
    bytes += (await request.sizes()).responseBodySize;
  }
  assert.ok(requests.some((r) => /\/portal\/portal-[0-9a-f]+_bg\.wasm$/.test(r.url())), 'the signed-in portal\'s own code');
  assert.ok(bytes > 0 && bytes < 150 * 1024, `first load ${bytes} B on the wire, budget 150 KB`);
  await assertAccessible(page);
  await page.getByLabel('Tema').selectOption('dark');
  assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
  await assertAccessible(page);
  await page.getByLabel('Theme').or(page.getByLabel('Tema')).selectOption('');
  assertNoErrors(page);
  await page.close();
});

test('the widget entry point and its demo host page load without errors', async () => {
  const page = await openPage(context);
  await page.goto(`${BASE}/widget/`);
  await page.getByRole('heading', { level: 1, name: 'Chatea con nosotros' }).waitFor();
  await assertAccessible(page);
  assertNoErrors(page);
  await page.goto(`${BASE}/demo/`);
  await page.getByRole('button', { name: 'Abrir chat' }).click();
  const frame = page.frameLocator('iframe[data-trato-frame]');
  await frame.getByRole('heading', { level: 1, name: 'Chatea con nosotros' }).waitFor();
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('the API answers unknown paths and bad input with the JSON error shape', async () => {
  const page = await openPage(context);
  const unknown = await page.request.get(`${BASE}/api/v1/nope`);
  assert.equal(unknown.status(), 404);
  assert.equal((await unknown.json()).code, 'not_found');
  const noCsrf = await page.request.post(`${BASE}/api/v1/auth/login`, { data: { email: 'a@b.es', password: 'x' } });
  assert.equal(noCsrf.status(), 403);
  const badJson = await page.request.post(`${BASE}/api/v1/auth/login`, {
    headers: { 'x-trato-csrf': '1', 'content-type': 'application/json' },
    data: '{"email":',
  });
  assert.equal(badJson.status(), 400);
  assert.equal((await badJson.json()).code, 'bad_request');
  await page.close();
});
