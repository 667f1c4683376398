// A rep signs in and sees the demo board with the stage totals the backend's data implies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, DEMO, launch, openPage, assertNoErrors, assertAccessible, signIn } from './helpers.mjs';

let context;
before(async () => { context = await launch(); });
after(async () => { await context?.close(); });

/** Stage counts and totals computed from the API, formatted with the page's own Intl. */
async function expectedColumns(page, pipelineIndex) {
  return page.evaluate(async (index) => {
    const deals = [];
    let cursor = null;
    do {
      const url = '/api/v1/deals?limit=1000' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const pageOfDeals = await (await fetch(url)).json();
      deals.push(...pageOfDeals.items);
      cursor = pageOfDeals.next_cursor;
    } while (cursor);
    const pipeline = (await (await fetch('/api/v1/pipelines')).json()).items[index];
    const money = new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' });
    return {
      id: pipeline.id,
      name: pipeline.name,
      stages: pipeline.stages.map((stage) => {
        const inStage = deals.filter((d) => d.pipeline_id === pipeline.id && d.stage_id === stage.id);
        const total = inStage.reduce((sum, d) => sum + d.amount.minor, 0);
        const weighted = inStage.reduce((sum, d) => sum + Math.round((d.amount.minor * stage.probability) / 100), 0);
        return { id: stage.id, name: stage.name, count: inStage.length, total: money.format(total / 100), weighted: money.format(weighted / 100) };
      }),
    };
  }, pipelineIndex);
}

async function assertBoardMatches(page, expected) {
  for (const stage of expected.stages) {
    const column = page.locator(`section[data-stage="${stage.id}"]`);
    await column.getByRole('heading', { level: 2, name: stage.name }).waitFor();
    // The first cards of each column are painted before the whole set is read; the totals follow.
    await column.locator('.column-total').filter({ hasNotText: '…' }).waitFor();
    assert.equal((await column.locator('.column-total').textContent()).trim(), stage.total, `total of ${stage.name}`);
    assert.equal((await column.locator('.column-weighted').textContent()).trim(), stage.weighted, `weighted of ${stage.name}`);
    assert.ok((await column.locator('.column-count').textContent()).startsWith(`${stage.count} tratos`), `count of ${stage.name}`);
    // Columns render their first 40 cards and offer the rest on scroll or with "Mostrar más".
    assert.equal(await column.locator('article.card').count(), Math.min(stage.count, 40), `cards of ${stage.name}`);
    if (stage.count > 40) {
      await column.getByRole('button', { name: `Mostrar ${Math.min(stage.count - 40, 40)} más` }).waitFor();
    }
  }
}

test('a rep signs in and sees the demo board with the right totals', async () => {
  const page = await openPage(context);
  await signIn(page);
  const nuevo = await expectedColumns(page, 0);
  assert.ok(nuevo.stages.reduce((n, s) => n + s.count, 0) > 100, 'demo data has deals');
  await assertBoardMatches(page, nuevo);
  await page.getByText(DEMO.name).first().waitFor();
  await assertAccessible(page);

  // Switching pipeline shows the other pipeline's stages and totals, and survives a reload.
  const renovaciones = await expectedColumns(page, 1);
  await page.getByRole('combobox', { name: /^Embudo/ }).selectOption(renovaciones.id);
  await assertBoardMatches(page, renovaciones);
  await page.reload();
  await assertBoardMatches(page, renovaciones);
  assertNoErrors(page);
  await page.close();
});

test('cards show deal details and hostile text stays text', async () => {
  const page = await openPage(context);
  await signIn(page);
  const hostile = '<img src=x onerror="window.pwned=1"> <b>negrita</b> 🚀';
  const created = await page.evaluate(async (name) => {
    const response = await fetch('/api/v1/deals', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-trato-csrf': '1', 'idempotency-key': 'e2e-hostile' },
      body: JSON.stringify({ name, pipeline_id: 'pip_nuevo', account_id: 'acc_0001', amount: { minor: 123456, currency: 'EUR' }, expected_close: '2027-03-15', position: -1e9 }),
    });
    return response.json();
  }, hostile);
  await page.reload();
  const card = page.locator(`article[data-deal="${created.id}"]`);
  await card.waitFor();
  assert.equal((await card.locator('h3').textContent()).trim(), hostile);
  assert.equal(await card.locator('img').count(), 0);
  assert.equal(await page.evaluate(() => window.pwned), undefined);
  assert.equal((await card.locator('.card-amount').textContent()).trim(), await page.evaluate(() =>
    new Intl.NumberFormat('es-ES', { style: 'currency', currency: 'EUR' }).format(1234.56)));
  assert.match(await card.textContent(), /15 mar 2027/);
  assert.match(await card.textContent(), /LM/);
  assertNoErrors(page);
  await page.close();
});

test('the language switch turns the desk into English and back', async () => {
  const page = await openPage(context);
  await signIn(page);
  await page.getByLabel('Idioma').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Sales pipeline' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Sales pipeline' }).waitFor();
  await page.getByLabel('Language').selectOption('es');
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
  assertNoErrors(page);
  await page.close();
});

test('a wrong password gives a clear message; sign out returns to the login page', async () => {
  const page = await openPage(context);
  await signIn(page);
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  // Signing out loads a fresh login page; going elsewhere before it has loaded would abort one of the two.
  await page.waitForURL(/\/login$/, { waitUntil: 'load' });
  await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  // A signed-out desk sends `/` on to the login page, which can happen before `/` has finished loading.
  // Playwright reports that redirect as an interrupted navigation when it wins the race; either way the
  // page must end on the login page.
  await page.goto(`${BASE}/`, { waitUntil: 'commit' }).catch((error) => {
    if (!/interrupted by another navigation/.test(String(error))) throw error;
  });
  await page.waitForURL(/\/login$/);
  await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  await page.getByLabel('Correo electrónico').fill(DEMO.email);
  await page.getByLabel('Contraseña').fill('incorrecta');
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('alert').filter({ hasText: 'El correo o la contraseña no son correctos.' }).waitFor();
  await assertAccessible(page);
  // The refused sign-in itself is logged by Chromium as a failed (401) resource load.
  assertNoErrors(page, [/status of 401/]);
  await page.close();
});

test("a fresh load of the sign-in page is its own small build; it keeps what is typed across a language switch and sends a signed-in rep on", async () => {
  const page = await openPage(context);
  await page.context().clearCookies();
  await page.goto(`${BASE}/login`);
  await page.getByRole('heading', { level: 1, name: 'Iniciar sesión' }).waitFor();
  const scripts = await page.evaluate(() => [...document.querySelectorAll('script[src], link[rel="modulepreload"]')].map((s) => s.src || s.href));
  assert.ok(scripts.some((s) => /\/signin-[0-9a-f]+\.js$/.test(s)), `the sign-in build: ${scripts}`);
  assert.ok(!scripts.some((s) => /\/desk-[0-9a-f]+\.js$/.test(s)), 'not the whole desk');
  await page.getByLabel('Correo electrónico').fill(DEMO.email);
  await page.getByLabel('Idioma').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  assert.equal(await page.getByLabel('E-mail').inputValue(), DEMO.email, 'what was typed stays');
  await assertAccessible(page);
  await page.getByLabel('Language').selectOption('es');
  await page.getByLabel('Contraseña').fill(DEMO.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
  // Signed in: the sign-in page sends the rep on to the desk.
  await page.goto(`${BASE}/login`);
  await page.waitForURL(`${BASE}/`);
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
  assertNoErrors(page);
  await page.close();
});
