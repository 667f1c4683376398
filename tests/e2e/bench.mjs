// `cargo xtask bench`: desk timings against a backend seeded with a large pipeline (see xtask/src/bench.rs).
// Prints one JSON object. On an empty cache: from the sign-in click to the first card on screen, and to the end
// of the first sync. On a warm cache: from navigation start to the first card (median of 5). Default mode also
// measures drop-to-repaint for keyboard and mouse moves; BENCH_MODE=large skips them.
import { launch, markFirstCard, openPage, BASE, DEMO } from './helpers.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const large = process.env.BENCH_MODE === 'large';

const context = await launch();
// In the page: when the sign-in button is clicked and when the first card appears (no polling delay).
await markFirstCard(context);
const page = await openPage(context);
await page.setViewportSize({ width: 1440, height: 900 });

// First visit (empty cache): sign in, first card, then the whole first sync.
await page.goto(`${BASE}/login`);
await page.getByLabel('Correo electrónico').fill(DEMO.email);
await page.getByLabel('Contraseña').fill(DEMO.password);
const clicked = Date.now();
await page.getByRole('button', { name: 'Entrar' }).click();
await page.locator('article.card').first().waitFor({ timeout: 600000 });
const firstVisit = await page.evaluate(() => window.__marks.card - window.__marks.signIn);
await page.locator('.sync-status[data-synced="true"][data-pending="0"]').waitFor({ timeout: 600000 });
const firstSyncMs = Date.now() - clicked;
const syncedRecords = await page.evaluate(async () => {
  const feed = await (await fetch('/api/v1/changes?limit=1')).json();
  return feed.changes.length + feed.remaining;
});

// Warm cache: navigation start to the first card, the board read from IndexedDB before any network answer.
const warm = [];
for (let i = 0; i < 5; i++) {
  await page.goto(`${BASE}/?pipeline=pip_nuevo`);
  await page.locator('article.card').first().waitFor();
  warm.push(await page.evaluate(() => window.__marks.card));
  // The whole set follows the first cards: wait for it before the next round.
  await page.locator('.column-total').first().filter({ hasNotText: '…' }).waitFor();
}

const result = {
  records: syncedRecords,
  first_card_after_sign_in_ms: Math.round(firstVisit),
  first_sync_ms: firstSyncMs,
  warm_first_card_ms: { median: Math.round(median(warm)), all: warm.map(Math.round) },
};

if (!large) {
  // Drop-to-repaint: from the key press or pointer release that drops a card to the next frame painted with the
  // card in its new column.
  async function measureDrop(drop, targetStage, dealId) {
    await page.evaluate(({ targetStage, dealId }) => {
      window.__dropDone = new Promise((resolve) => {
        const start = () => { window.__dropStart = performance.now(); };
        window.addEventListener('keydown', start, { capture: true, once: true });
        window.addEventListener('pointerup', start, { capture: true, once: true });
        const check = () => document.querySelector(`section[data-stage="${targetStage}"] article[data-deal="${dealId}"]`);
        const observer = new MutationObserver(() => {
          if (check()) {
            observer.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - window.__dropStart));
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      });
    }, { targetStage, dealId });
    await drop();
    return page.evaluate(() => window.__dropDone);
  }

  const keyboard = [];
  const mouse = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${BASE}/?pipeline=pip_nuevo`);
    await page.locator('.column-total').first().filter({ hasNotText: '…' }).waitFor();
    const first = page.locator('section[data-stage="stg_prospeccion"] article.card').first();
    const id = await first.getAttribute('data-deal');
    await first.focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowRight');
    keyboard.push(await measureDrop(() => page.keyboard.press('Space'), 'stg_calificado', id));

    const card = page.locator('section[data-stage="stg_prospeccion"] article.card').first();
    const cardId = await card.getAttribute('data-deal');
    const box = await card.boundingBox();
    const target = await page.locator('section[data-stage="stg_propuesta"] .column-head').boundingBox();
    await page.mouse.move(box.x + 40, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 60, box.y + 40, { steps: 3 });
    await page.mouse.move(target.x + target.width / 2, target.y + target.height + 30, { steps: 8 });
    mouse.push(await measureDrop(() => page.mouse.up(), 'stg_propuesta', cardId));
  }
  result.keyboard_drop_to_repaint_ms = { median: Math.round(median(keyboard)), all: keyboard.map(Math.round) };
  result.mouse_drop_to_repaint_ms = { median: Math.round(median(mouse)), all: mouse.map(Math.round) };
}

// Command palette: from Ctrl+K to the first results of a query typed at once (the index is built from the cache),
// then from each keystroke's input event to the results painted (median of 5 queries).
{
  await page.goto(`${BASE}/?pipeline=pip_nuevo`);
  await page.locator('.column-total').first().filter({ hasNotText: '…' }).waitFor();
  const input = page.getByRole('combobox', { name: 'Buscar un trato, un cliente, un caso o una acción' });
  const opened = Date.now();
  await page.keyboard.press('Control+k');
  await input.fill('contrato');
  await page.locator('#palette-results [role="option"]').first().waitFor();
  result.palette_open_to_results_ms = Date.now() - opened;
  const searches = [];
  for (const query of ['olivo', 'marisqueria arcos', 'hotel', 'cafe colegio', 'rioja']) {
    searches.push(await page.evaluate((query) => new Promise((resolve) => {
      const list = document.getElementById('palette-results');
      const field = document.querySelector('[role="combobox"]');
      const observer = new MutationObserver(() => {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - start));
      });
      observer.observe(list, { childList: true, subtree: true, characterData: true });
      const start = performance.now();
      field.value = query;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    }), query));
  }
  result.palette_search_to_paint_ms = { median: Math.round(median(searches)), all: searches.map(Math.round) };
}

// Account page from a warm cache: navigation start to its timeline drawn (median of 5, the account with the most
// deals), read through the cache's indexes.
{
  const deals = (await page.evaluate(async () => (await (await fetch('/api/v1/deals?limit=1000')).json()).items));
  const counts = {};
  for (const d of deals) if (d.account_id) counts[d.account_id] = (counts[d.account_id] ?? 0) + 1;
  const busiest = Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'acc_0001';
  const times = [];
  for (let i = 0; i < 5; i++) {
    await page.goto(`${BASE}/accounts/${busiest}`);
    await page.locator('section[aria-labelledby="deals-title"] .record-list li').first().waitFor();
    times.push(await page.evaluate(() => performance.now()));
  }
  result.account_page_warm_ms = { median: Math.round(median(times)), all: times.map(Math.round) };

  // The same page opened from within the desk (a link followed: the app and its cache are open), from the click
  // to the first frame with the account's name and deals drawn: from the board once it has settled, and from
  // another account's page.
  const second = Object.entries(counts).sort((a, b) => b[1] - a[1])[1]?.[0] ?? 'acc_0002';
  const nameOf = (id) => page.evaluate(async (id) => (await (await fetch(`/api/v1/accounts/${id}`)).json()).name, id);
  const names = { [busiest]: await nameOf(busiest), [second]: await nameOf(second) };
  const follow = (href, ready, name) => page.evaluate(({ href, ready, name }) => new Promise((resolve) => {
    const link = document.createElement('a');
    link.href = href;
    link.textContent = href;
    document.body.append(link);
    const drawn = () => location.pathname === href && (ready === 'board'
      ? document.querySelector('article[data-deal]') && ![...document.querySelectorAll('.column-total')].some((t) => t.textContent.includes('…'))
      : document.querySelector('main h1')?.textContent === name
        && document.querySelector('section[aria-labelledby="deals-title"] .record-list li'));
    const start = performance.now();
    const observer = new MutationObserver(() => {
      if (!drawn()) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - start));
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    link.click();
    link.remove();
  }), { href, ready, name });
  const fromBoard = [];
  const fromAccount = [];
  for (let i = 0; i < 7; i++) {
    await follow('/', 'board');
    fromBoard.push(await follow(`/accounts/${busiest}`, 'account', names[busiest]));
  }
  for (let i = 0; i < 7; i++) {
    await follow(`/accounts/${second}`, 'account', names[second]);
    fromAccount.push(await follow(`/accounts/${busiest}`, 'account', names[busiest]));
  }
  result.account_page_in_app_ms = {
    from_board: { median: Math.round(median(fromBoard)), all: fromBoard.map(Math.round) },
    from_another_account: { median: Math.round(median(fromAccount)), all: fromAccount.map(Math.round) },
  };
}

// Import: a 100,000-row accounts CSV (as Spanish Excel writes it) through the import page, from the click on
// "Importar" to the end (large mode only: it adds 100,000 accounts to the dataset).
if (large) {
  const lines = ['Razón social;Población;Teléfono;Sector'];
  for (let n = 0; n < 100000; n++) lines.push(`Importada ${n};Sevilla;+34 955 ${String(n).padStart(6, '0')};Hostelería`);
  await page.goto(`${BASE}/import`);
  await page.getByLabel('Archivo CSV').setInputFiles({ name: 'cien-mil.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n'), 'latin1') });
  await page.getByRole('button', { name: /Importar 100\.000 filas/ }).waitFor({ timeout: 60000 });
  const started = Date.now();
  await page.getByRole('button', { name: /Importar 100\.000 filas/ }).click();
  await page.getByRole('heading', { name: 'Importación terminada' }).waitFor({ timeout: 600000 });
  result.import_100k_rows_ms = Date.now() - started;
}

result.page_errors = page.errors;
console.log(JSON.stringify(result));
await context.close();
