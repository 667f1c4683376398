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
export async function launch(options = {}) {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'trato-e2e-')), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    locale: 'es-ES',
    ...options,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
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

/** Runs axe-core on the page and asserts there are no violations, once running transitions have ended (colours
 * caught half-way through a transition are not the page's; endless animations are not waited for). */
export async function assertAccessible(page) {
  await page.evaluate(() => Promise.all(document.getAnimations()
    .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime)) // not a loading shimmer, which never ends
    .map((a) => a.finished.catch(() => {}))));
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  assert.deepEqual(summary, [], `axe violations on ${page.url()}`);
}

/** Signs in through the desk's login form and waits for the board. */
export async function signIn(page, { email, password, base = BASE } = DEMO) {
  await page.context().clearCookies();
  await page.goto(`${base}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { level: 1, name: 'Embudo de ventas' }).waitFor();
}

/** Backends started by `startServer` and still running; killed when this test file's process exits. */
const spawned = new Set();
process.once('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

/**
 * Starts a backend of the test's own (the demo data, the built faces) that the test can stop and restart: on
 * `port` (0 for any free one) with the SQLite file `db` and `extra` arguments. Returns its URL and `stop()`.
 */
export async function startServer({ db, port = 0, extra = [] }) {
  const { spawn } = await import('node:child_process');
  const args = ['--db', db, '--listen', `127.0.0.1:${port}`, '--static', process.env.TRATO_DIST, '--demo', ...extra];
  const child = spawn(process.env.TRATO_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  // A test that fails half-way never reaches its `stop()`: the backend must not keep this file's process alive
  // (Node would then wait for the file's whole time-out), and it dies with the process.
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  const url = await new Promise((resolve, reject) => {
    child.stdout.once('data', (data) => {
      const found = /listening on (\S+)/.exec(String(data));
      if (found) resolve(found[1]);
      else reject(new Error(`backend said ${data}`));
    });
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}`)));
  });
  child.stdout.resume();
  child.stdout.unref();
  child.unref();
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
  return { url, port: Number(new URL(url).port), stop };
}

/** Signs in to the API as another rep from Node (a second person), returning a `fetch` that carries the session. */
export async function apiAs(base, email, password = DEMO.password) {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200, 'the second rep signs in');
  const cookie = login.headers.get('set-cookie').split(';')[0];
  return (path, init = {}) => fetch(`${base}${path}`, {
    ...init,
    headers: { 'x-trato-csrf': '1', 'content-type': 'application/json', cookie, ...(init.headers ?? {}) },
  });
}

/**
 * Marks, in every page of `context`, when a submit button is clicked (`window.__marks.signIn`) and when the first
 * board card appears (`window.__marks.card`), both as `performance.now()` of the page that shows the card: the
 * bench's sign-in-to-first-card time. The click is kept in `sessionStorage`, because signing in loads the desk as
 * a new page (the sign-in page is its own small one).
 */
export async function markFirstCard(context) {
  await context.addInitScript(() => {
    const KEY = 'trato-bench-sign-in';
    window.__marks = {};
    Object.defineProperty(window.__marks, 'signIn', {
      enumerable: true,
      get: () => Number(sessionStorage.getItem(KEY)) - performance.timeOrigin,
    });
    document.addEventListener('click', (event) => {
      if (event.target.closest && event.target.closest('button[type="submit"]')) {
        sessionStorage.setItem(KEY, String(performance.timeOrigin + performance.now()));
      }
    }, true);
    const seen = () => {
      if (!window.__marks.card && document.querySelector('article.card')) window.__marks.card = performance.now();
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  });
}

/** Calls the API from inside `page` (with its session cookie) and returns the JSON answer. */
export async function pageApi(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const response = await fetch(path, {
      method,
      headers: { 'content-type': 'application/json', 'x-trato-csrf': '1' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  }, { method, path, body });
}
