// Issue 10: one customer record. The palette finds an account; its page shows the deals, cases, orders and
// timeline the API has; a call and a task logged offline survive a reload and reach the server once; fields are
// edited in place with per-field messages; the lists search without accents, filter and export what they show;
// creating a likely duplicate warns; the rep's day finishes work and offers the next step; a call made from the
// desk is offered to be logged on return.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, openPage, assertNoErrors, assertAccessible, signIn, pageApi, startServer, apiAs, DEMO } from './helpers.mjs';

let context;
before(async () => { context = await launch({ viewport: { width: 1440, height: 900 }, acceptDownloads: true }); });
after(async () => { await context?.close(); });

const NETWORK_NOISE = [/ERR_INTERNET_DISCONNECTED/, /ERR_CONNECTION_REFUSED/, /Failed to fetch/, /ERR_FAILED/];

async function synced(page) {
  await page.locator('.sync-status[data-pending="0"][data-online="true"][data-synced="true"]').waitFor({ timeout: 120000 });
}

test('the palette finds an account, whose page agrees with the API on deals, cases, orders and timeline', async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  const account = await pageApi(page, 'GET', '/api/v1/accounts/acc_0001');
  const deals = (await pageApi(page, 'GET', '/api/v1/deals?account_id=acc_0001&limit=500')).items;
  const cases = await pageApi(page, 'GET', '/api/v1/cases?account_id=acc_0001');
  const orders = await pageApi(page, 'GET', '/api/v1/orders?account_id=acc_0001');
  assert.ok(cases.length > 0 && orders.length > 0, 'the demo account has cases and orders');

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Buscar un trato, un cliente, un caso o una acción' });
  const words = account.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  await palette.getByRole('combobox').fill(words);
  await palette.getByRole('option', { name: new RegExp(`Cuenta ${account.name}`) }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: account.name }).waitFor();
  await page.waitForURL(/\/accounts\/acc_0001$/);

  // Long lists draw their first part; "Mostrar N más" draws the rest.
  const showAll = async (section) => {
    for (let calm = 0; calm < 2;) {
      if (await section.locator('.show-more').count()) {
        await section.locator('.show-more').first().click();
        calm = 0;
      } else {
        calm += 1;
        await page.waitForTimeout(300);
      }
    }
  };
  const dealsSection = page.locator('section[aria-labelledby="deals-title"]');
  await dealsSection.locator('.record-list li').first().waitFor();
  await showAll(dealsSection);
  for (const deal of deals) await dealsSection.getByRole('link', { name: deal.name, exact: true }).first().waitFor();
  const casesSection = page.locator('section[aria-labelledby="cases-title"]');
  for (const one of cases) await casesSection.getByRole('link', { name: `#${one.number} ${one.subject}` }).waitFor();
  const ordersSection = page.locator('section[aria-labelledby="orders-title"]');
  for (const order of orders) await ordersSection.getByText(order.number, { exact: true }).waitFor();
  assert.equal(await dealsSection.getByRole('link').count(), deals.length, 'no deal of another account');

  // The timeline merges the account's activities, its deals' and its cases and orders, newest first.
  const timeline = page.locator('section[aria-labelledby="timeline-title"]');
  await showAll(timeline); // The cases and orders are in: their sections are drawn.
  await timeline.locator('[data-kind="case"]').first().waitFor();
  assert.equal(await timeline.locator('[data-kind="case"]').count(), cases.length);
  assert.equal(await timeline.locator('[data-kind="order"]').count(), orders.length);
  await timeline.getByRole('button', { name: 'Caso', exact: true }).click();
  await showAll(timeline);
  const kinds = await timeline.locator('.timeline > li').evaluateAll((items) => items.map((li) => li.dataset.kind));
  assert.ok(kinds.length > cases.length && kinds.every((k) => k === 'case' || k === 'case-message'), `the filter keeps cases and their messages: ${kinds}`);
  const messages = await pageApi(page, 'GET', '/api/v1/case-messages?account_id=acc_0001');
  assert.equal(kinds.filter((k) => k === 'case-message').length, messages.length, 'every message of every case');
  await timeline.getByRole('button', { name: 'Todo', exact: true }).click();
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});

test('a call and a task logged offline on an account survive a reload and are saved once', async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-cust-')), 'a.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const page = await openPage(context);
  await signIn(page, { ...DEMO, base: server.url });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await synced(page);
  await page.goto(`${server.url}/accounts/acc_0003`);
  const log = page.locator('form.log-activity');
  await log.waitFor();

  await context.setOffline(true);
  try {
  await log.getByLabel('Tipo').selectOption('call');
  await log.getByLabel('Asunto').fill('Llamada sin cobertura');
  await log.getByRole('button', { name: 'Registrar', exact: true }).click();
  await log.getByText('Actividad registrada').waitFor();
  await log.getByLabel('Tipo').selectOption('task');
  await log.getByLabel('Asunto').fill('Enviar la tarifa nueva');
  await log.getByLabel('Vence el').fill('2031-03-04');
  await log.getByRole('button', { name: 'Registrar', exact: true }).click();
  await page.locator('.sync-status[data-pending="2"]').waitFor();

  // A reload with no network: the page and both entries come from the cache.
  await page.goto(`${server.url}/accounts/acc_0003`);
  const timeline = page.locator('section[aria-labelledby="timeline-title"]');
  await timeline.getByText('Llamada sin cobertura').waitFor();
  await timeline.getByText('Enviar la tarifa nueva').waitFor();
  await page.locator('.sync-status[data-pending="2"]').waitFor();
  } finally {
    await context.setOffline(false);
  }
  await synced(page);
  const activities = (await (await api('/api/v1/activities?account_id=acc_0003&limit=500')).json()).items;
  assert.equal(activities.filter((a) => a.subject === 'Llamada sin cobertura' && a.kind === 'call' && a.done).length, 1);
  const tasks = activities.filter((a) => a.subject === 'Enviar la tarifa nueva');
  assert.equal(tasks.length, 1, 'the task was saved once');
  assert.equal(tasks[0].due_on, '2031-03-04');
  assert.equal(tasks[0].done, false);
  assertNoErrors(page, NETWORK_NOISE);
  await page.close();
  await server.stop();
});

test('fields are edited in place with per-field messages; a likely duplicate warns before creating', async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  const contacts = (await pageApi(page, 'GET', '/api/v1/contacts?account_id=acc_0002&limit=5')).items;
  const person = contacts[0];
  await page.goto(`${BASE}/contacts/${person.id}`);
  const details = page.locator('section[aria-labelledby="details-title"]');
  await details.getByRole('button', { name: 'Editar Correo electrónico' }).click();
  const email = details.getByRole('textbox', { name: 'Correo electrónico' });
  await email.fill('no es un correo');
  await email.press('Enter');
  await details.getByRole('alert').filter({ hasText: 'correo' }).waitFor();
  await email.fill('nueva.direccion@cliente.example');
  await email.press('Enter');
  await details.getByRole('link', { name: 'nueva.direccion@cliente.example' }).waitFor();
  assert.equal(await details.getByRole('link', { name: 'nueva.direccion@cliente.example' }).getAttribute('href'), 'mailto:nueva.direccion@cliente.example');
  await expectEventually(
    async () => (await pageApi(page, 'GET', `/api/v1/contacts/${person.id}`)).email === 'nueva.direccion@cliente.example',
    20000,
    async () => JSON.stringify(await page.locator('.sync-status').evaluate((el) => ({ ...el.dataset, text: el.textContent }))),
  );
  await assertAccessible(page);

  // A new account named like an existing one, with another legal form and no accents: the desk warns.
  const existing = await pageApi(page, 'GET', '/api/v1/accounts/acc_0002');
  await page.goto(`${BASE}/accounts`);
  await page.getByRole('button', { name: 'Nueva cuenta' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nueva cuenta' });
  const plain = existing.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase();
  await dialog.getByLabel('Nombre').fill(`${plain}, S.L.U.`);
  await dialog.getByRole('alert').getByRole('link', { name: existing.name }).waitFor();
  await dialog.getByRole('button', { name: 'Crear de todos modos' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancelar' }).click();
  assertNoErrors(page);
  await page.close();
});

test('the accounts list searches without accents, filters, and exports what it shows to CSV', async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  await page.goto(`${BASE}/accounts`);
  const table = page.locator('table.customer-table');
  await table.locator('tbody th').first().waitFor();
  await assertAccessible(page);
  const account = await pageApi(page, 'GET', '/api/v1/accounts/acc_0001');
  const search = page.getByRole('searchbox', { name: 'Buscar' });
  await search.fill(account.name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase());
  await table.getByRole('link', { name: account.name }).waitFor();
  await search.fill('');
  await page.getByRole('combobox', { name: 'Ciudad', exact: true }).selectOption(account.city);
  const count = page.locator('.page-head [role="status"]');
  await count.filter({ hasText: / de / }).waitFor();
  const all = (await pageApi(page, 'GET', '/api/v1/accounts?limit=1000')).items;
  const inCity = all.filter((a) => a.city === account.city);
  await page.locator('.page-head [role="status"]').filter({ hasText: new RegExp(`^${inCity.length} de`) }).waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0].split(';')[0], 'Nombre');
  assert.equal(lines.length - 1, inCity.length, 'one line per account shown');
  for (const a of inCity) assert.ok(text.includes(a.name.includes(';') ? `"${a.name}"` : a.name), a.name);

  // "Columnas" is a menu button: it opens a panel of checkboxes; Escape closes it and focus goes back.
  const columnsButton = page.getByRole('button', { name: 'Columnas' });
  await columnsButton.click();
  assert.equal(await columnsButton.getAttribute('aria-expanded'), 'true');
  const sector = page.locator('#columns-menu').getByRole('checkbox', { name: 'Sector' });
  const header = table.getByRole('columnheader', { name: 'Sector' });
  const shown = await sector.isChecked();
  await sector.click();
  await header.first().waitFor({ state: shown ? 'detached' : 'visible' });
  await assertAccessible(page);
  await page.keyboard.press('Escape');
  assert.equal(await columnsButton.getAttribute('aria-expanded'), 'false');
  assert.equal(await sector.isVisible(), false, 'the panel is closed');
  assert.equal(await columnsButton.evaluate((b) => b === document.activeElement), true, 'focus is back on the button');
  await columnsButton.click();
  await sector.click();
  await header.first().waitFor({ state: shown ? 'visible' : 'detached' });
  await page.mouse.click(5, 5);
  assert.equal(await columnsButton.getAttribute('aria-expanded'), 'false', 'a press elsewhere closes it');
  assertNoErrors(page);
  await page.close();
});

test("the rep's day finishes a call and offers to call again; a call made from the desk is offered to be logged", async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-day-')), 'd.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const me = (await (await api('/api/v1/auth/session')).json()).session.user.id;
  const today = new Date();
  const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  const created = await api('/api/v1/activities', {
    method: 'POST',
    headers: { 'idempotency-key': `day-${Date.now()}` },
    body: JSON.stringify({ kind: 'call', subject: 'Llamar por la renovación', account_id: 'acc_0004', due_on: date, done: false, owner_id: me }),
  });
  assert.equal(created.status, 201);
  const page = await openPage(context);
  await signIn(page, { ...DEMO, base: server.url });
  await synced(page);
  await page.getByRole('link', { name: /Mi día/ }).locator('.nav-count').waitFor();
  await page.getByRole('link', { name: /Mi día/ }).click();
  const todayGroup = page.locator('section.day-group.today');
  const item = todayGroup.locator('li.work-item', { hasText: 'Llamar por la renovación' });
  await item.waitFor();
  await assertAccessible(page);
  await item.getByRole('button', { name: 'Marcar como hecho' }).click();
  const offer = page.locator('.next-step').getByRole('button', { name: /Planificar llamada/ });
  await offer.click();
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  await expectEventually(async () => {
    const all = (await (await api('/api/v1/activities?account_id=acc_0004&limit=500')).json()).items;
    const done = all.find((a) => a.subject === 'Llamar por la renovación');
    const next = all.filter((a) => a.subject === 'Seguimiento: Llamar por la renovación' && !a.done);
    return done?.done === true && next.length === 1;
  }, 20000, async () => JSON.stringify((await (await api('/api/v1/activities?account_id=acc_0004&limit=500')).json()).items.map((a) => [a.subject, a.done, a.due_on])));

  // Calling from the account page: coming back to the desk offers to log the call in two taps.
  await page.goto(`${server.url}/accounts/acc_0004`);
  const phone = page.locator('section[aria-labelledby="details-title"] a.tel');
  await phone.waitFor();
  assert.match(await phone.getAttribute('href'), /^tel:\+?\d+$/);
  await phone.evaluate((link) => link.addEventListener('click', (event) => event.preventDefault(), { once: true }));
  await phone.click();
  await page.waitForTimeout(1700);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  const dialog = page.getByRole('dialog', { name: /Registrar la llamada/ });
  await dialog.getByRole('button', { name: 'No contestó' }).click();
  await dialog.getByRole('button', { name: 'Registrar llamada' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('.sync-status[data-pending="0"]').waitFor();
  await expectEventually(async () => {
    const all = (await (await api('/api/v1/activities?account_id=acc_0004&limit=500')).json()).items;
    const logged = all.filter((a) => a.kind === 'call' && a.done && a.subject.includes('No contestó'));
    const again = all.filter((a) => a.kind === 'call' && !a.done && a.subject.startsWith('Volver a llamar'));
    return logged.length === 1 && again.length === 1;
  });
  assertNoErrors(page);
  await page.close();
  await server.stop();
});

async function expectEventually(check, timeout = 20000, describe = async () => '') {
  const until = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(`the backend never got the change ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Every account, page after page. */
async function allAccounts(api) {
  const all = [];
  let cursor = '';
  do {
    const page = await (await api(`/api/v1/accounts?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json();
    all.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

/** A CSV file as Spanish Excel on Windows writes it: `;`, Windows-1252, decimal comma, dd/mm/yyyy. */
function cp1252(text) {
  const high = { '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96 };
  return Buffer.from([...text].map((c) => high[c] ?? (c.charCodeAt(0) < 256 ? c.charCodeAt(0) : 0x3f)));
}

test('a 1,000-row CSV in Windows-1252 with ; imports, refused rows download, are fixed and imported; a broken import resumes once', async () => {
  const server = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-imp-')), 'i.sqlite') });
  const api = await apiAs(server.url, DEMO.email);
  const page = await openPage(context);
  await signIn(page, { ...DEMO, base: server.url });
  await synced(page);
  const stamp = Date.now().toString(36);
  const lines = ['Razón social;Población;Teléfono;Sector'];
  for (let n = 0; n < 1000; n++) {
    // Every 100th row has no name: refused.
    const name = n % 100 === 3 ? '' : `Compañía ${stamp} Nº ${n}`;
    lines.push(`${name};Cádiz;+34 956 ${String(100000 + n).slice(0, 3)} ${String(n).padStart(3, '0')};Hostelería`);
  }
  const file = { name: 'cuentas.csv', mimeType: 'text/csv', buffer: cp1252(lines.join('\r\n') + '\r\n') };

  // The second batch is lost on the way: the import stops half-way, as if the tab had been closed.
  let cut = true;
  await page.route('**/api/v1/import/accounts', async (route) => {
    if (cut && route.request().postDataJSON().rows.length > 0 && (await (await api('/api/v1/accounts?limit=1000')).json()).items.length > 600) {
      cut = false;
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });
  await page.goto(`${server.url}/import`);
  await page.getByLabel('Qué se importa').selectOption('accounts');
  await page.getByLabel('Archivo CSV').setInputFiles(file);
  await page.getByText(/1000 filas · Windows-1252 · separador «;»/).waitFor();
  assert.equal(await page.getByRole('combobox', { name: 'Razón social' }).inputValue(), 'name');
  assert.equal(await page.getByRole('combobox', { name: 'Población' }).inputValue(), 'city');
  await page.locator('ol.preview li').filter({ hasText: 'Se creará' }).first().waitFor();
  await page.locator('ol.preview li.refused').waitFor();
  await assertAccessible(page);
  await page.getByRole('button', { name: /Importar 1000 filas/ }).click();
  await page.getByRole('alert').waitFor();

  // Back on the page: the import left half-way is offered, and continuing creates nothing twice.
  await page.goto(`${server.url}/import`);
  await page.getByText(/Hay una importación a medias de «cuentas.csv»/).waitFor();
  await page.getByRole('button', { name: 'Continuar' }).click();
  await page.getByRole('heading', { name: 'Importación terminada' }).waitFor({ timeout: 60000 });
  const accounts = (await allAccounts(api)).filter((a) => a.name.includes(stamp));
  assert.equal(accounts.length, 990, 'every valid row once');
  assert.equal(new Set(accounts.map((a) => a.name)).size, 990);
  assert.ok(accounts.some((a) => a.name === `Compañía ${stamp} Nº 1` && a.city === 'Cádiz' && a.industry === 'Hostelería'), 'accents read from Windows-1252');

  // The refused rows come back as a file with the reason; fixed, they import.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Descargar las filas con errores/ }).click()]);
  const refused = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(refused.length, 11, 'the header and ten rows');
  assert.match(refused[0], /;Error$/);
  assert.match(refused[1], /Nombre: Este campo es obligatorio/);
  const fixed = refused.slice(1).map((line, n) => line.replace(/^;/, `Arreglada ${stamp} ${n};`).replace(/;[^;]*$/, ''));
  await page.goto(`${server.url}/import`);
  await page.getByLabel('Archivo CSV').setInputFiles({ name: 'arregladas.csv', mimeType: 'text/csv', buffer: Buffer.from([refused[0].replace(/;Error$/, ''), ...fixed].join('\r\n')) });
  await page.getByRole('button', { name: /Importar 10 filas/ }).click();
  await page.getByRole('heading', { name: 'Importación terminada' }).waitFor();
  await page.getByText(/10 creados/).waitFor();
  const all = (await allAccounts(api)).filter((a) => a.name.includes(stamp));
  assert.equal(all.length, 1000);
  assertNoErrors(page, [/ERR_CONNECTION_RESET/, /Failed to fetch/, /ERR_FAILED/]);
  await page.close();
  await server.stop();
});

test('a filtered contacts list exports only what it shows', async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  await page.goto(`${BASE}/contacts`);
  await page.locator('table.customer-table tbody th').first().waitFor();
  await page.getByRole('searchbox', { name: 'Buscar' }).fill('garcia');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exportar CSV' }).click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const rows = text.replace(/^\uFEFF/, '').trim().split('\r\n');
  const shown = await page.locator('.page-head [role="status"]').textContent();
  assert.equal(String(rows.length - 1), shown.split(' ')[0], 'one line per contact shown');
  assert.ok(rows.slice(1).every((r) => /garc[ií]a/i.test(r)), 'only what the search shows');
  assertNoErrors(page);
  await page.close();
});

test('two duplicate accounts merge: the deal moves, the duplicate goes, the timeline says so', async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  const stamp = Date.now().toString(36);
  const keep = await pageApi(page, 'POST', '/api/v1/accounts', { name: `Conservas Merge ${stamp} S.L.`, city: 'Huelva' });
  const dup = await pageApi(page, 'POST', '/api/v1/accounts', { name: `CONSERVAS MERGE ${stamp}` });
  const deal = await pageApi(page, 'POST', '/api/v1/deals', {
    name: `Latas ${stamp}`, pipeline_id: 'pip_nuevo', account_id: dup.id, amount: { minor: 50000, currency: 'EUR' },
  });
  // The desk has them once the next pull brought them.
  await expectEventually(async () => {
    await page.goto(`${BASE}/accounts/${keep.id}`);
    return page.getByRole('heading', { level: 1, name: keep.name }).waitFor({ timeout: 8000 }).then(() => true, () => false);
  }, 60000);
  await page.getByRole('button', { name: 'Fusionar un duplicado…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fusionar un duplicado…' });
  const candidate = dialog.getByRole('radio', { name: new RegExp(dup.name) });
  await candidate.waitFor();
  await dialog.getByText('Posible duplicado').first().waitFor();
  await assertAccessible(page);
  await candidate.check();
  await dialog.getByText(/pasará a/).waitFor();
  await dialog.getByRole('button', { name: 'Fusionar', exact: true }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.locator('section[aria-labelledby="deals-title"]').getByRole('link', { name: deal.name }).waitFor({ timeout: 30000 });
  await page.locator('section[aria-labelledby="timeline-title"]').getByText(`Fusionado con «${dup.name}»`).waitFor();
  const gone = await page.evaluate(async (id) => (await fetch(`/api/v1/accounts/${id}`)).status, dup.id);
  assert.equal(gone, 404);
  assert.equal((await pageApi(page, 'GET', `/api/v1/deals/${deal.id}`)).account_id, keep.id);
  assertNoErrors(page, [/status of 404/]);
  await page.close();
});

test("a case opened from a contact's page is theirs, and their page and timeline show it", async () => {
  const page = await openPage(context);
  await signIn(page);
  await synced(page);
  const stamp = Date.now().toString(36);
  const person = await pageApi(page, 'POST', '/api/v1/contacts', {
    first_name: 'Irene', last_name: `Caso ${stamp}`, email: `irene.${stamp}@cliente.example`, account_id: 'acc_0005',
  });
  await expectEventually(async () => {
    await page.goto(`${BASE}/contacts/${person.id}`);
    return page.getByRole('heading', { level: 1, name: `Irene Caso ${stamp}` }).waitFor({ timeout: 8000 }).then(() => true, () => false);
  }, 60000);
  await page.getByRole('button', { name: 'Nuevo caso' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nuevo caso' });
  await dialog.getByLabel('Asunto').fill(`Rotura en el envío ${stamp}`);
  await dialog.getByLabel('Descripción').fill('Llegaron dos botellas rotas.');
  await dialog.getByRole('button', { name: 'Crear' }).click();
  await page.getByRole('heading', { level: 1, name: new RegExp(`Rotura en el envío ${stamp}`) }).waitFor();
  await page.goto(`${BASE}/contacts/${person.id}`);
  await page.locator('section[aria-labelledby="cases-title"]').getByRole('link', { name: new RegExp(`Rotura en el envío ${stamp}`) }).waitFor();
  await page.locator('section[aria-labelledby="timeline-title"]').getByText('Llegaron dos botellas rotas.').waitFor();
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});
