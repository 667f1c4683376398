// The chat widget on a host site of another origin (another loopback port) and the desk's live inbox: the loader
// asks for nothing of the widget before the visitor opens it; pre-chat, messages both ways live, history after a
// reload, the unread count while closed; hostile frames and hostile text; framing by an origin not on the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, openPage, assertNoErrors, assertAccessible, signIn, startServer, apiAs, pageApi, DEMO } from './helpers.mjs';

let trato;
let host;
let stranger;
let visitorContext;
let repContext;
let site;

/** A tiny web server on its own port: the host site. */
function serve(html) {
  return new Promise((resolve) => {
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(html(new URL(request.url, 'http://host')));
    });
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

before(async () => {
  trato = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-chat-')), 'trato.sqlite') });
  host = await serve((url) => `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Tienda</title></head>
    <body><main><h1>Ultramarinos La Esquina</h1><p>Aceites y conservas.</p></main>
    <script src="${trato.url}/widget/embed.js" data-site="${site.key}" data-color="#17663a"${url.searchParams.get('theme') ? ` data-theme="${url.searchParams.get('theme') === 'dark' ? 'dark' : 'light'}"` : ''} async></script></body></html>`);
  stranger = await serve(() => `<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Otra</title></head>
    <body><main><h1>Otra web</h1><iframe title="robado" src="${trato.url}/widget/?site=${site.key}&host=x"></iframe></main></body></html>`);
  const api = await apiAs(trato.url, DEMO.email);
  const created = await api('/api/v1/sites', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' },
    body: JSON.stringify({ name: 'Ultramarinos La Esquina', allowed_origins: [host.origin], prechat: true }),
  });
  assert.equal(created.status, 201);
  site = await created.json();
  visitorContext = await launch();
  repContext = await launch();
});

after(async () => {
  await visitorContext?.close();
  await repContext?.close();
  for (const site of [host, stranger]) {
    site?.server.closeAllConnections();
    site?.server.close();
  }
  await trato?.stop();
});

test('a visitor chats with a rep live, across a reload, with unread counts while closed', async () => {
  // A rep has the desk open (and so is online) on the inbox.
  const rep = await openPage(repContext);
  await signIn(rep, { ...DEMO, base: trato.url });
  await rep.getByRole('link', { name: 'Chat', exact: true }).click();
  await rep.getByRole('heading', { level: 1, name: 'Bandeja de chat' }).waitFor();

  const visitor = await openPage(visitorContext);
  const widgetRequests = [];
  visitor.on('request', (r) => {
    if (r.url().startsWith(`${trato.url}/`) && !r.url().endsWith('/widget/embed.js')) widgetRequests.push(r.url());
  });
  await visitor.goto(host.origin);
  const launcher = visitor.getByRole('button', { name: 'Abrir chat' });
  await launcher.waitFor();
  await visitor.waitForTimeout(500);
  assert.deepEqual(widgetRequests, [], 'nothing of the widget is loaded before the visitor opens it');
  assert.equal(await visitor.locator('iframe').count(), 0);
  await assertAccessible(visitor);

  await launcher.click();
  await visitor.getByRole('button', { name: 'Abrir chat', expanded: true }).waitFor();
  const frame = visitor.frameLocator('iframe[data-trato-frame]');
  await frame.getByRole('heading', { level: 1, name: 'Chatea con nosotros' }).waitFor();
  await frame.getByLabel('Nombre').fill('Rosa Prieto');
  await frame.getByLabel('Correo electrónico').fill('rosa@visita.example');
  await assertAccessible(visitor);
  await frame.getByRole('button', { name: 'Empezar a chatear' }).click();
  const hostile = '<img src=x onerror="parent.pwned=1">¿Tenéis aceite de 5 l?';
  await frame.getByLabel('Tu mensaje').fill(hostile);
  await frame.getByRole('button', { name: 'Enviar', exact: true }).click();
  await frame.locator('.bubble.mine').getByText(hostile).waitFor();

  // The rep sees it live, opens it and answers.
  const row = rep.getByRole('link', { name: 'Rosa Prieto', exact: true });
  await row.waitFor();
  await rep.getByText('Nueva conversación de Rosa Prieto').first().waitFor();
  // The section bar counts the unread message (said in words to screen readers), until the rep reads it.
  const chatLink = rep.locator('.desk-nav a[href="/inbox"]');
  await chatLink.locator('.nav-count', { hasText: '1' }).waitFor();
  assert.match(await chatLink.innerText(), /1 sin leer/);
  await row.click();
  await rep.locator('.chat-log').getByText(hostile).waitFor();
  await chatLink.locator('.nav-count').waitFor({ state: 'detached' });
  assert.equal(await rep.locator('.chat-log img').count(), 0, 'hostile text stays text in the inbox');
  await assertAccessible(rep);
  await rep.getByLabel('Respuesta').fill('¡Hola Rosa! Sí, tenemos garrafas de 5 litros.');
  await rep.getByRole('button', { name: 'Enviar', exact: true }).click();

  // The visitor sees the answer without reloading, and that the rep has read the message.
  await frame.getByText('¡Hola Rosa! Sí, tenemos garrafas de 5 litros.').waitFor();
  await frame.getByText('Visto', { exact: true }).waitFor();
  // Typing shows on the other side, both ways.
  await frame.getByLabel('Tu mensaje').pressSequentially('Perfe', { delay: 20 });
  await rep.getByText('El visitante está escribiendo…').waitFor();
  await frame.getByLabel('Tu mensaje').fill('');
  await rep.getByLabel('Respuesta').pressSequentially('Un mom', { delay: 20 });
  await frame.getByText('Te están escribiendo…').waitFor();
  await rep.getByLabel('Respuesta').fill('');
  assert.equal(await frame.locator('.chat-log img').count(), 0, 'hostile text stays text in the widget');

  // Closed widget: a new answer shows up as an unread count on the launcher.
  await frame.getByRole('button', { name: 'Cerrar el chat' }).click();
  // The frame asks the loader to close by postMessage: the launcher says so once that message is handled.
  await visitor.getByRole('button', { name: 'Abrir chat', expanded: false }).waitFor();
  await rep.getByLabel('Respuesta').fill('¿Te lo reservamos?');
  await rep.getByRole('button', { name: 'Enviar', exact: true }).click();
  await visitor.locator('[data-trato-unread]').getByText('1', { exact: true }).waitFor();

  // A hostile frame on the host page, and the page itself, cannot fake the loader's messages.
  await visitor.evaluate(() => {
    window.postMessage({ trato: 1, type: 'unread', count: 99 }, '*');
    const evil = document.createElement('iframe');
    evil.srcdoc = '<script>parent.postMessage({trato: 1, type: "unread", count: 42}, "*")</script>';
    document.body.appendChild(evil);
  });
  await visitor.waitForTimeout(500);
  assert.equal(await visitor.locator('[data-trato-unread]').textContent(), '1', 'forged messages are ignored');

  // Reload the host page: the conversation is still there.
  await visitor.reload();
  await visitor.getByRole('button', { name: /Abrir chat/ }).click();
  const again = visitor.frameLocator('iframe[data-trato-frame]');
  await again.getByText('¡Hola Rosa! Sí, tenemos garrafas de 5 litros.').waitFor();
  await again.getByText('¿Te lo reservamos?').waitFor();
  await again.getByText(hostile).waitFor();
  assert.equal(await visitor.evaluate(() => window.pwned), undefined);
  assertNoErrors(visitor);

  // The rep ends the conversation; the visitor rates it.
  await rep.getByRole('button', { name: 'Cerrar la conversación' }).click();
  await again.getByText('¿Qué tal te hemos atendido en el chat?').waitFor();
  await again.locator('label.score', { hasText: '5' }).click();
  await again.getByRole('button', { name: 'Enviar valoración' }).click();
  await again.getByText('¡Gracias por tu valoración!').waitFor();
  await rep.getByRole('button', { name: 'Trato', exact: true }).click();
  await rep.getByText('Hecho: Trato creado.').waitFor();
  // The chat links to its deal; a second click makes no second deal; the deal is named in the rep's language.
  const made = rep.getByRole('region', { name: 'Creado desde este chat' }).getByRole('link', { name: /^Trato · / });
  await made.waitFor();
  await rep.getByRole('button', { name: 'Trato', exact: true }).click();
  await rep.getByText('Hecho: Trato creado.').waitFor();
  assert.equal(await made.count(), 1);
  await made.click();
  await rep.getByRole('heading', { level: 2, name: 'Chat con Rosa Prieto' }).waitFor();
  // The visitor's new contact has the chat on their page and in their timeline, its first message as text,
  // linking back to the conversation.
  const deal = (await pageApi(rep, 'GET', '/api/v1/deals?q=Chat%20con%20Rosa')).items[0];
  await rep.goto(`${trato.url}/contacts/${deal.contact_id}`);
  const chats = rep.locator('section[aria-labelledby="chats-title"]');
  await chats.getByRole('link', { name: hostile }).waitFor();
  await chats.getByText('Cerrada', { exact: true }).waitFor();
  const timeline = rep.locator('section[aria-labelledby="timeline-title"]');
  await timeline.getByRole('button', { name: 'Chat', exact: true }).click();
  assert.deepEqual(await timeline.locator('.timeline > li').evaluateAll((items) => items.map((li) => li.dataset.kind)), ['chat']);
  assert.equal(await rep.locator('main img').count(), 0, 'hostile text stays text on the contact page');
  await assertAccessible(rep);
  await timeline.getByRole('link', { name: hostile }).click();
  await rep.waitForURL(/\/inbox\/[^/]+$/);
  await rep.locator('.chat-log').getByText(hostile).waitFor();
  assertNoErrors(rep);
  await rep.close();
  await visitor.close();
});

test('the widget refuses to be framed by an origin not on the site list', async () => {
  const page = await openPage(visitorContext);
  const answer = page.waitForResponse((r) => r.url().startsWith(`${trato.url}/widget/?site=`));
  await page.goto(stranger.origin);
  const response = await answer;
  assert.equal(response.headers()['content-security-policy'].split('frame-ancestors ')[1], host.origin);
  await page.waitForTimeout(1500);
  const framed = page.frames().find((f) => f.url().startsWith(`${trato.url}/widget/`));
  const heading = framed ? await framed.locator('h1').count().catch(() => 0) : 0;
  assert.equal(heading, 0, 'the widget does not render inside a foreign page');
  await page.close();
});

test('with no rep online the widget offers to leave a message, which becomes a lead', async () => {
  // Nobody has the desk open.
  for (const open of repContext.pages()) await open.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  // A fresh visitor (other storage): a new context.
  const fresh = await launch();
  const other = await openPage(fresh);
  await other.goto(host.origin);
  await other.getByRole('button', { name: 'Abrir chat' }).click();
  const frame = other.frameLocator('iframe[data-trato-frame]');
  await frame.getByText('Ahora no hay nadie para atenderte').waitFor();
  await frame.getByLabel('Nombre').fill('Luis Gil');
  await frame.getByLabel('Correo electrónico').fill('luis@visita.example');
  await frame.getByLabel('Tu mensaje').fill('Llamadme mañana, por favor.');
  await assertAccessible(other);
  await frame.getByRole('button', { name: 'Enviar mensaje' }).click();
  await frame.getByText('Hemos recibido tu mensaje').waitFor();
  const api = await apiAs(trato.url, DEMO.email);
  const deals = await (await api('/api/v1/deals?q=Luis%20Gil')).json();
  assert.equal(deals.items.length, 1, 'the message is a lead in the pipeline');
  assertNoErrors(other);
  await fresh.close();
});

test('the launcher is an inline icon, and the host page can give the widget its dark theme', async () => {
  const page = await openPage(visitorContext);
  await page.goto(`${host.origin}/?theme=dark`);
  const launcher = page.getByRole('button', { name: /Abrir chat/ });
  await launcher.waitFor();
  assert.equal(await launcher.locator('svg').count(), 1, 'an inline SVG icon');
  assert.equal((await launcher.evaluate((b) => b.textContent)).trim(), '', 'no emoji character');
  await launcher.click();
  const frame = page.frameLocator('iframe[data-trato-frame]');
  await frame.getByRole('heading', { level: 1 }).waitFor();
  assert.equal(await frame.locator('html').getAttribute('data-theme'), 'dark');
  const background = await frame.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
  assert.equal(background, 'rgb(27, 33, 43)', 'the dark surface');
  const sheets = await frame.locator('html').evaluate(() => [...document.styleSheets].map((s) => s.href ?? ''));
  assert.ok(sheets.every((href) => !/\/main-[^/]*\.css$/.test(href)), `the widget's own style sheet: ${sheets}`);
  await assertAccessible(page);
  assertNoErrors(page);
  await page.close();
});
