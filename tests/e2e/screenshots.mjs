// Screenshots of the main screens in both themes and both sizes, for docs/screenshots (README shows two).
// Run with `cargo xtask e2e tests/e2e/screenshots.mjs` (it is not a test: node --test only picks *.test.mjs).
import { mkdirSync } from 'node:fs';
import { launch, openPage, signIn, BASE } from './helpers.mjs';

const out = new URL('../../docs/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const sizes = { laptop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } };

for (const [size, viewport] of Object.entries(sizes)) {
  for (const theme of ['light', 'dark']) {
    const phone = size === 'phone';
    const context = await launch({ viewport, colorScheme: theme, ...(phone ? { hasTouch: true, isMobile: true } : {}) });
    const page = await openPage(context);
    await signIn(page);
    await page.locator('.sync-status[data-synced="true"]').waitFor({ timeout: 120000 });
    await page.locator('.column-total').first().filter({ hasNotText: '…' }).waitFor();
    await page.screenshot({ path: `${out}/board-${size}-${theme}.png` });
    await page.locator('section.column.shown article.card, section.column article.card').first().click();
    await page.locator('#panel-title').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/deal-${size}-${theme}.png` });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Buscar un trato, un cliente, un caso o una acción' }).fill('marisqueria');
    await page.locator('#palette-results [role="option"]').first().waitFor();
    await page.screenshot({ path: `${out}/palette-${size}-${theme}.png` });
    await page.keyboard.press('Escape');
    await page.goto(`${BASE}/accounts/acc_0001`);
    await page.locator('section[aria-labelledby="timeline-title"] .timeline > li').first().waitFor();
    await page.locator('section[aria-labelledby="cases-title"] .record-list li').first().waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/account-${size}-${theme}.png` });
    await page.goto(`${BASE}/portal/`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.locator('.article-list a').first().waitFor();
    await page.screenshot({ path: `${out}/portal-${size}-${theme}.png` });
    await page.locator('.article-list a').first().click();
    await page.locator('article h1').waitFor();
    await page.screenshot({ path: `${out}/help-article-${size}-${theme}.png` });
    await context.close();
  }
}
console.log(`screenshots in ${out}`);
