// `cargo xtask bench`: desk timings against a backend seeded with a large pipeline (see xtask/src/bench.rs).
// Prints one JSON object: the first sync from an empty cache, the first render of the board from a warm cache, and
// drop-to-repaint latency for keyboard and mouse moves. With BENCH_MODE=sync, only the first sync.
import { launch, openPage, signIn, BASE } from './helpers.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const context = await launch();
const page = await openPage(context);
await page.setViewportSize({ width: 1440, height: 900 });

// First sync from an empty cache: from signing in to every record of the backend stored in IndexedDB.
await page.goto(`${BASE}/login`);
const syncStart = Date.now();
await signIn(page);
await page.locator('article.card').first().waitFor({ timeout: 600000 });
await page.locator('.sync-status[data-pending="0"][data-online="true"]').waitFor({ timeout: 600000 });
const firstSyncMs = Date.now() - syncStart;
const syncedRecords = await page.evaluate(async () => {
  const page = await (await fetch('/api/v1/changes?limit=1')).json();
  return page.changes.length + page.remaining;
});
if (process.env.BENCH_MODE === 'sync') {
  console.log(JSON.stringify({ records: syncedRecords, first_sync_ms: firstSyncMs, page_errors: page.errors }));
  await context.close();
  process.exit(0);
}

// Time from navigation start to the first card on screen, with the data in the IndexedDB cache (warm cache: the
// board comes from the cache before any network answer; the pull runs afterwards).
const firstRender = [];
for (let i = 0; i < 5; i++) {
  await page.goto(`${BASE}/?pipeline=pip_nuevo`);
  await page.locator('article.card').first().waitFor();
  firstRender.push(await page.evaluate(() => performance.now()));
}

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

const deals = await page.evaluate(async () => {
  let count = 0, cursor = null;
  do {
    const p = await (await fetch('/api/v1/deals?pipeline_id=pip_nuevo&limit=1000' + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''))).json();
    count += p.items.length; cursor = p.next_cursor;
  } while (cursor);
  return count;
});
console.log(JSON.stringify({
  deals_in_pipeline: deals,
  records: syncedRecords,
  first_sync_ms: firstSyncMs,
  first_render_ms: { median: median(firstRender), all: firstRender.map(Math.round) },
  keyboard_drop_to_repaint_ms: { median: median(keyboard), all: keyboard.map(Math.round) },
  mouse_drop_to_repaint_ms: { median: median(mouse), all: mouse.map(Math.round) },
  page_errors: page.errors,
}));
await context.close();
