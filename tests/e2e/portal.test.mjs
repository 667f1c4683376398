// The customer portal and the desk's case queue, end to end: a customer signs in through the mailed link, is
// offered an article while typing a subject, opens a case with an attachment and sees its number; a rep answers
// publicly and adds an internal note; the customer sees the answer but never the note, and rates the resolved
// case. Every page passes axe-core; hostile text stays text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, assertNoErrors, assertAccessible, signIn, startServer, DEMO } from './helpers.mjs';

const CUSTOMER = 'elena@cliente-dos.example';
const HOSTILE = '<img src=x onerror="window.pwned=1"> No puedo descargar la factura';
let server;
let mailDir;
let customerContext;
let repContext;

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trato-portal-'));
  mailDir = join(dir, 'mail');
  server = await startServer({ db: join(dir, 'trato.sqlite'), extra: ['--mail-dir', mailDir] });
  customerContext = await launch();
  repContext = await launch();
});

after(async () => {
  await customerContext?.close();
  await repContext?.close();
  await server?.stop();
});

/** The newest sign-in link mailed to `to`. */
function lastLink(to) {
  const mails = readdirSync(mailDir).sort().map((f) => readFileSync(join(mailDir, f), 'utf8'))
    .filter((text) => text.includes(`To: ${to}\r\n`));
  assert.ok(mails.length > 0, `a mail to ${to}`);
  const link = /(http:\/\/\S+\/portal\/signin#token=\S+)/.exec(mails.at(-1));
  assert.ok(link, 'the mail has a sign-in link');
  return link[1];
}

test('a customer signs in by mail, opens a case with a suggestion and a file; a rep answers; the customer rates it', async () => {
  const base = server.url;
  let customer = await openPage(customerContext);

  // Sign in through the mailed link.
  await customer.goto(`${base}/portal/signin`);
  await customer.getByRole('heading', { level: 1, name: 'Entrar en el portal de clientes' }).waitFor();
  await assertAccessible(customer);
  await customer.getByLabel('Correo electrónico').fill(CUSTOMER);
  await customer.getByRole('button', { name: 'Enviarme el enlace' }).click();
  await customer.getByText(`Si ${CUSTOMER} tiene acceso al portal`).waitFor();
  const link = lastLink(CUSTOMER);
  assert.ok(!link.includes('?'), 'the secret is in the fragment, never in a query string');
  // As from a mail program: the link opens in a new tab.
  await customer.close();
  customer = await openPage(customerContext);
  await customer.goto(link);
  await customer.getByRole('heading', { level: 1, name: 'Mis casos' }).waitFor();
  assert.ok(!customer.url().includes('token'), 'the token is gone from the address bar');
  await customer.getByText('Solicitud de catálogo de vinos 2027').waitFor();
  await assertAccessible(customer);
  // The same link cannot be used twice.
  const other = await openPage(repContext);
  await other.goto(link);
  await other.getByText('Este enlace ya se ha usado o ha caducado').waitFor();
  await other.close();

  // A new case: typing the subject suggests an article; opening it is recorded.
  await customer.getByRole('link', { name: 'Nuevo caso' }).first().click();
  await customer.getByRole('heading', { level: 1, name: 'Nuevo caso' }).waitFor();
  await customer.getByLabel('Asunto').pressSequentially(HOSTILE, { delay: 5 });
  const suggestion = customer.getByRole('button', { name: 'Cómo descargar una factura' });
  await suggestion.waitFor();
  await suggestion.click();
  assert.equal(await suggestion.getAttribute('aria-expanded'), 'true');
  await customer.getByText('Pulsa Descargar factura').waitFor();
  await assertAccessible(customer);
  await customer.getByLabel('Descripción').fill('Sale un error al pulsar «Descargar factura».\n<script>window.pwned=2</script>');
  await customer.locator('#case-files').setInputFiles({ name: 'captura.txt', mimeType: 'text/plain', buffer: Buffer.from('Error 500 al descargar') });
  await customer.locator('.attached').getByText('captura.txt').waitFor();
  await customer.getByLabel('Prioridad').selectOption('high');
  await customer.getByRole('button', { name: 'Enviar caso' }).click();
  await customer.getByText('Caso #1005 creado').waitFor();
  const heading = customer.getByRole('heading', { level: 1 });
  assert.match(await heading.textContent(), /#1005 <img src=x onerror="window\.pwned=1"> No puedo descargar/);
  assert.equal(await customer.locator('h1 img, .thread script').count(), 0, 'hostile text renders as text');
  await customer.getByRole('link', { name: /captura\.txt/ }).waitFor();
  await assertAccessible(customer);
  const caseUrl = customer.url().split('?')[0];
  // On a 360 px phone the case page, the case list and the new-case form fit the width.
  const viewport = customer.viewportSize();
  await customer.setViewportSize({ width: 360, height: 740 });
  const fits = () => customer.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  assert.ok(await fits(), 'the case page fits 360 px');
  for (const [path, title] of [['/portal/cases', 'Mis casos'], ['/portal/cases/new', 'Nuevo caso'], ['/portal/', 'Centro de ayuda']]) {
    await customer.goto(`${base}${path}`);
    await customer.getByRole('heading', { level: 1, name: title }).waitFor();
    assert.ok(await fits(), `${path} fits 360 px`);
  }
  // Lists share the desk's pieces: a loading skeleton while the answer is on its way, and the empty state.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const casesApi = (url) => url.pathname === '/api/v1/portal/cases';
  await customer.route(casesApi, async (route) => { await held; await route.continue(); });
  try {
    await customer.goto(`${base}/portal/cases`);
    await customer.locator('.skeleton[role="status"]').filter({ hasText: 'Cargando' }).waitFor();
    await assertAccessible(customer);
  } finally {
    release();
  }
  await customer.locator('.skeleton').waitFor({ state: 'detached' });
  await customer.unroute(casesApi);
  await customer.getByLabel('Buscar por asunto o número').fill('zzqx');
  await customer.getByRole('button', { name: 'Buscar', exact: true }).click();
  await customer.locator('.empty-state[role="status"]').filter({ hasText: 'No hay casos que mostrar.' }).waitFor();
  await customer.setViewportSize(viewport);
  await customer.goto(caseUrl);

  // The rep: queue, case page, internal note and public reply, resolve.
  const rep = await openPage(repContext);
  await signIn(rep, { ...DEMO, base });
  await rep.getByRole('link', { name: 'Casos' }).click();
  await rep.getByRole('heading', { level: 1, name: 'Cola de casos' }).waitFor();
  const row = rep.getByRole('link', { name: /#1005/ });
  await row.waitFor();
  await assertAccessible(rep);
  await row.click();
  await rep.getByRole('heading', { level: 1, name: /#1005/ }).waitFor();
  await rep.getByText('Elena Vidal').first().waitFor();
  await assertAccessible(rep);
  await rep.getByLabel('Nota interna').check();
  await rep.getByLabel('Nota para el equipo (el cliente no la verá)').fill('Nota interna: el PDF falla con Safari.');
  await rep.getByRole('button', { name: 'Añadir nota interna' }).click();
  await rep.locator('.message.internal').getByText('el PDF falla con Safari').waitFor();
  await rep.getByLabel('Respuesta al cliente').check();
  await rep.getByLabel('Respuesta (se envía al cliente)').fill('Ya está arreglado: prueba de nuevo, por favor.');
  await rep.getByRole('button', { name: 'Enviar respuesta' }).click();
  await rep.locator('.message.rep').getByText('Ya está arreglado').waitFor();
  // Whose turn it is reads from each side: the rep waits for the customer, the customer is asked to answer.
  assert.equal((await rep.getByLabel('Estado').locator('option[value="pending"]').textContent()).trim(), 'Esperando al cliente');
  await rep.getByLabel('Estado').selectOption('pending');
  await customer.goto(caseUrl);
  await customer.locator('.case-facts').getByText('Esperando tu respuesta').waitFor();
  await rep.getByLabel('Estado').selectOption('resolved');
  await rep.getByText('Guardado', { exact: true }).waitFor();
  assertNoErrors(rep);

  // The customer sees the answer, never the note, and rates the case.
  await customer.goto(caseUrl);
  await customer.getByText('Ya está arreglado: prueba de nuevo, por favor.').waitFor();
  assert.equal(await customer.getByText('el PDF falla con Safari').count(), 0, 'the internal note is never shown');
  await customer.locator('.case-facts').getByText('Resuelto').waitFor();
  await customer.getByText('¿Qué tal te hemos atendido?').waitFor();
  await assertAccessible(customer);
  await customer.locator('label.score', { hasText: '5' }).click();
  await customer.getByLabel('Comentario (opcional)').fill('Muy rápidos');
  await customer.getByRole('button', { name: 'Enviar valoración' }).click();
  await customer.getByText('Tu valoración: 5 de 5.').waitFor();
  assert.equal(await customer.evaluate(() => window.pwned), undefined, 'no injected script ran');
  // The case list's tabs, by keyboard: the resolved case has left "Abiertos" and is under "Resueltos y cerrados".
  await customer.goto(`${server.url}/portal/cases`);
  const open = customer.getByRole('tab', { name: 'Abiertos' });
  assert.equal(await open.getAttribute('aria-selected'), 'true');
  await customer.getByRole('tabpanel').locator('.case-row, .empty-state').first().waitFor();
  assert.equal(await customer.getByRole('tabpanel').getByText('#1005', { exact: true }).count(), 0, 'a resolved case is not open');
  await open.focus();
  await customer.keyboard.press('ArrowRight');
  const done = customer.getByRole('tab', { name: 'Resueltos y cerrados' });
  assert.equal(await done.getAttribute('aria-selected'), 'true');
  // Read in one go in the page: the portal redraws its pages from their state, so a handle could be stale.
  const focused = await customer.evaluate(() => `${document.activeElement.getAttribute('role')} ${document.activeElement.textContent}`);
  assert.equal(focused, 'tab Resueltos y cerrados', 'focus follows the selected tab');
  await customer.getByRole('tabpanel', { name: 'Resueltos y cerrados' }).getByText('#1005', { exact: true }).waitFor();
  await customer.keyboard.press('End');
  await customer.getByRole('tab', { name: 'Todos', selected: true }).waitFor();
  await assertAccessible(customer);
  assertNoErrors(customer);

  // The rep sees the rating.
  await rep.reload();
  await rep.getByText('Valoración del cliente: 5 de 5').waitFor();
  await rep.close();
  await customer.close();
});

test('the help center, an article, orders and the profile work and pass axe', async () => {
  const base = server.url;
  const page = await openPage(customerContext);
  await page.goto(`${base}/portal`);
  await page.getByRole('heading', { level: 1, name: 'Centro de ayuda' }).waitFor();
  await page.getByLabel('Buscar en la ayuda').fill('contrasena');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.getByRole('link', { name: 'Entrar en el portal sin contraseña' }).click();
  await page.getByRole('heading', { level: 1, name: 'Entrar en el portal sin contraseña' }).waitFor();
  await assertAccessible(page);
  await page.getByRole('button', { name: 'Sí' }).click();
  await page.getByText('¡Gracias por tu opinión!').waitFor();

  // The help centre is its own small build: a signed-in page from its bar loads the signed-in portal's.
  const portalCode = page.waitForRequest((r) => /\/portal\/portal-[0-9a-f]+_bg\.wasm$/.test(r.url()));
  await page.getByRole('link', { name: 'Mis pedidos' }).click();
  await portalCode;
  await page.getByRole('heading', { level: 1, name: 'Mis pedidos' }).waitFor();
  await page.getByText('PV-2026-0120').click();
  await page.getByText('Rioja crianza, caja de 6').waitFor();
  // 10 × 54,00 € + 21 % IVA = 653,40 €
  await page.locator('.order-lines tfoot').getByText(/653,40/).waitFor();
  assert.equal(await page.getByText('PV-2026-0101').count(), 0, 'another company\'s orders are not listed');
  await assertAccessible(page);

  await page.getByRole('link', { name: 'Perfil' }).click();
  await page.getByRole('heading', { level: 1, name: 'Perfil' }).waitFor();
  await assertAccessible(page);
  await page.getByLabel('Teléfono').fill('+34 600 111 222');
  await page.getByLabel('Idioma preferido').selectOption('en');
  await page.getByRole('button', { name: 'Guardar' }).click();
  await page.getByText('Profile saved.').waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByLabel('Preferred language').selectOption('es');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Perfil guardado.').waitFor();
  // The language picked with the switch survives a reload, although the profile says Spanish.
  await page.locator('.language-switch select').selectOption('en');
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Profile' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.locator('.language-switch select').selectOption('es');
  await page.getByRole('heading', { level: 1, name: 'Perfil' }).waitFor();

  // On a 360 px phone the orders (opened to their lines) and the profile fit the width too.
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
  await page.goto(`${base}/portal/orders`);
  await page.getByText('PV-2026-0120').click();
  await page.getByText('Rioja crianza, caja de 6').waitFor();
  assert.ok(await fits(), 'the orders fit 360 px');
  await page.goto(`${base}/portal/profile`);
  await page.getByRole('heading', { level: 1, name: 'Perfil' }).waitFor();
  assert.ok(await fits(), 'the profile fits 360 px');
  await page.setViewportSize(size);

  // Keyboard only: the sign-out button is reachable and signs out.
  await page.getByRole('button', { name: 'Cerrar sesión' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Entrar en el portal de clientes' }).waitFor();
  await page.goto(`${base}/portal/orders`);
  await page.getByRole('heading', { level: 1, name: 'Entrar en el portal de clientes' }).waitFor();
  assertNoErrors(page);
  await page.close();
});

test('the desk knowledge base editor publishes an article that the portal then suggests', async () => {
  const base = server.url;
  const rep = await openPage(repContext);
  await signIn(rep, { ...DEMO, base });
  await rep.goto(`${base}/kb`);
  await rep.getByRole('heading', { level: 1, name: 'Base de conocimiento' }).waitFor();
  await assertAccessible(rep);
  await rep.getByRole('button', { name: 'Nuevo artículo' }).click();
  await rep.getByLabel('Título').fill('Pedidos urgentes en domingo');
  await rep.getByLabel('Contenido').fill('## Domingos\n- Llama al **900 000 000**.\n<script>alert(1)</script>');
  await rep.locator('section strong', { hasText: '900 000 000' }).waitFor();
  await rep.getByText('<script>alert(1)</script>').first().waitFor();
  await rep.getByLabel('Publicar en el portal').check();
  await assertAccessible(rep);
  await rep.getByRole('button', { name: 'Guardar' }).click();
  await rep.getByRole('button', { name: 'Pedidos urgentes en domingo' }).waitFor();
  assertNoErrors(rep);
  await rep.close();

  const page = await openPage(customerContext);
  await page.goto(`${base}/portal`);
  await page.getByLabel('Buscar en la ayuda').fill('domingo');
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  await page.getByRole('link', { name: 'Pedidos urgentes en domingo' }).waitFor();
  assertNoErrors(page);
  await page.close();
});

test('the help centre on a phone: in-page links and Back, English and the dark theme remembered, axe in both themes', async () => {
  const context = await launch({ viewport: { width: 360, height: 740 } });
  try {
    const page = await openPage(context);
    const loads = [];
    page.on('request', (r) => { if (r.resourceType() === 'document') loads.push(new URL(r.url()).pathname); });
    await page.goto(`${server.url}/portal/`);
    await page.getByRole('heading', { level: 1, name: 'Centro de ayuda' }).waitFor();
    await page.getByRole('button', { name: /^Facturación y pagos/ }).click();
    await page.getByRole('button', { name: /^Facturación y pagos/, pressed: true }).waitFor();
    const article = page.getByRole('link', { name: 'Cómo descargar una factura' });
    await article.click();
    await page.getByRole('heading', { level: 1, name: 'Cómo descargar una factura' }).waitFor();
    assert.match(page.url(), /\/portal\/kb\/[^/]+$/);
    const fits = () => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    assert.ok(await fits(), 'the article fits 360 px');
    await assertAccessible(page);
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Centro de ayuda' }).waitFor();
    assert.ok(await fits(), 'the help centre fits 360 px');
    assert.deepEqual(loads, ['/portal/'], 'moving between help pages and back loads no page');

    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Help center' }).waitFor();
    await page.getByLabel('Theme').selectOption('dark');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Help center' }).waitFor();
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark', 'remembered after a reload');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await assertAccessible(page);
    await page.getByLabel('Search the help center').fill('<b>zzqx</b>');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'No matching articles.' }).waitFor();
    assert.equal(await page.locator('main b').count(), 0, 'a search stays text');
    await page.getByLabel('Language').selectOption('es');
    await page.getByLabel('Tema').selectOption('');
    assertNoErrors(page);
  } finally {
    await context.close();
  }
});
