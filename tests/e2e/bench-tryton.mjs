// `cargo xtask bench`: the desk signed in to a real Tryton holding many opportunities (BENCH_OPPORTUNITIES, made
// through Tryton's own JSON-RPC): from the sign-in click to the first card on screen (empty cache), and to the end
// of the first sync. Prints one JSON object.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, markFirstCard, openPage, startServer } from './helpers.mjs';
import { fillTrytonSignIn, freePort, startTryton } from './tryton-helpers.mjs';

const wanted = Number(process.env.BENCH_OPPORTUNITIES ?? 10000);
const port = await freePort();
const trytonUrl = `http://127.0.0.1:${port}`;
const trato = await startServer({ db: join(mkdtempSync(join(tmpdir(), 'trato-bt-')), 't.sqlite'), extra: ['--backend', trytonUrl] });
const tryton = await startTryton({ port, origin: trato.url });

// Opportunities like the seeded ones, in batches (Tryton creates a list in one call).
const [model] = await tryton.rpc('model.sale.opportunity.search_read', [[], 0, 1, null, ['company', 'currency', 'employee', 'party']]);
const made = Date.now();
for (let done = 5; done < wanted; done += 500) {
  const batch = [];
  for (let i = done; i < Math.min(wanted, done + 500); i++) {
    batch.push({
      description: `Oportunidad ${i}`, party: model.party, company: model.company, currency: model.currency,
      employee: model.employee, amount: { __class__: 'Decimal', decimal: `${1000 + (i % 90) * 100}.00` },
    });
  }
  await tryton.rpc('model.sale.opportunity.create', [batch]);
}
const seedSeconds = (Date.now() - made) / 1000;

const context = await launch();
await markFirstCard(context);
const page = await openPage(context);
await page.setViewportSize({ width: 1440, height: 900 });
await page.goto(`${trato.url}/login`);
await fillTrytonSignIn(page, trytonUrl);
const clicked = Date.now();
await page.getByRole('button', { name: 'Entrar' }).click();
await page.locator('article.card').first().waitFor({ timeout: 600000 });
const firstCard = await page.evaluate(() => window.__marks.card - window.__marks.signIn);
await page.locator('.sync-status[data-synced="true"][data-pending="0"]').waitFor({ timeout: 600000 });
const firstSync = Date.now() - clicked;
console.log(JSON.stringify({
  opportunities: wanted,
  seeding_s: seedSeconds,
  first_card_after_sign_in_ms: Math.round(firstCard),
  first_sync_ms: firstSync,
  page_errors: page.errors,
}));
await context.close();
tryton.stop();
await trato.stop();
