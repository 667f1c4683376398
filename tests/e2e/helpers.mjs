// Shared end-to-end helpers: Debian Chromium through playwright-core, error collection, axe-core checks.
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Base URL of the reference backend started by `cargo xtask test`. */
export const BASE = process.env.TRATO_URL ?? 'http://127.0.0.1:8080';

/** Demo rep credentials (seeded by `trato-server --demo`). */
export const DEMO = { email: 'lucia@alameda.example', password: 'trato-demo', name: 'Lucía Martín' };

/** Launches headless Chromium with a fresh profile and no background network. */
export async function launch() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'trato-e2e-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    locale: 'es-ES',
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run',
    ],
  });
}

/** A new page that records console errors and uncaught page errors. */
export async function openPage(context) {
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (error) => page.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') page.errors.push(`console: ${message.text()}`);
  });
  return page;
}

/** Asserts that the page logged no errors (CSP violations and wasm start-up failures show up here). */
export function assertNoErrors(page, allowed = []) {
  const errors = page.errors.filter((e) => !allowed.some((pattern) => pattern.test(e)));
  assert.deepEqual(errors, [], `errors on ${page.url()}`);
}

/** Runs axe-core on the page and asserts there are no violations. */
export async function assertAccessible(page) {
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  assert.deepEqual(summary, [], `axe violations on ${page.url()}`);
}

/** Signs in through the desk's login form and waits for the board. */
export async function signIn(page, { email, password } = DEMO) {
  await page.context().clearCookies();
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
}
