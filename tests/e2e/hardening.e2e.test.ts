/**
 * What a new user and a hostile one find on the production build (`npm start`): the real datasets
 * can be picked in the backtest launcher and the payoff panel, pages carry their security headers
 * and a nonce CSP that breaks nothing, sign-in's next= stays on the site, big bodies are refused
 * before they are read, guessing passwords is slowed whatever X-Forwarded-For says, health shows
 * no internals, and the data folder is owner-only.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '@/datasets/shared-data';
import { clientFor, signUpAndIn } from '@/tests/support/app-client';
import { rawRequest } from '@/tests/support/raw-http';
import { SuiteApp } from './app-process';
import { fillAuthForm, launchChromium, newPage, screenshots, signUp, type Person } from './browser';

const shot = screenshots('hardening', { fullPage: true });
const suite = new SuiteApp();
let base: string;
let browser: Browser;
const DAY = 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet';
const stamp = Date.now().toString(36);
const trader: Person = {
  name: 'Dana Data',
  email: `dana.${stamp}@example.test`,
  password: 'gamma-ladder-at-noon',
};
/** Messages from Chromium about the Content-Security-Policy blocking something. */
const violations: string[] = [];

beforeAll(async () => {
  await suite.start();
  base = suite.base;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
});

async function page(): Promise<Page> {
  const p = await newPage(browser, { viewport: { width: 1440, height: 900 } });
  p.on('console', (m: ConsoleMessage) => {
    if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(m.text());
  });
  return p;
}

const raw = (
  method: string,
  pathname: string,
  headers: Record<string, string | number>,
  body?: { bytes: number } | string,
) => rawRequest(suite.app.port, method, pathname, headers, body);

describe.skipIf(!sharedDataDir())('real datasets on the production build', () => {
  it('picks the real NIFTY day in the backtest launcher and in the payoff panel', async () => {
    const p = await page();
    await signUp(p, base, trader);
    await p.goto(`${base}/templates`);
    await p.getByLabel('Search').fill('straddle');
    const card = p.getByTestId('template-card').filter({ hasText: 'NIFTY short straddle' });
    await card.first().click();
    await p.getByRole('button', { name: 'Fork into my strategies' }).click();
    await p.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);

    await p.getByRole('button', { name: 'Backtest', exact: true }).click();
    const launcher = p.getByTestId('backtest-launcher');
    await launcher.getByLabel('Real dataset').check();
    // In dataset mode the launcher's one list is the datasets picker.
    const picker = launcher.getByRole('combobox');
    await expect
      .poll(async () => picker.locator('option').allTextContents(), { timeout: 30_000 })
      .toContain(DAY);
    await picker.selectOption({ label: DAY });
    await shot(p, '01-launcher-real-dataset');
    await launcher.getByRole('button', { name: 'Run backtest' }).click();
    await p.waitForSelector('[data-testid="backtest-progress"][data-status="succeeded"]', {
      timeout: 180_000,
    });
    await p.getByTestId('open-results').click();
    await p.waitForURL(/\/backtests\/[0-9a-f-]{36}$/);
    await p.getByTestId('backtest-metrics').waitFor();
    expect(await p.getByText(`dataset ${DAY}`).count()).toBeGreaterThan(0);
    await shot(p, '02-results-on-real-day');

    await p.goBack();
    await p.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    await p.getByRole('tab', { name: 'Payoff' }).click();
    const panel = p.getByTestId('payoff-panel');
    await panel.getByTestId('payoff-stats').waitFor({ timeout: 60_000 });
    const chain = panel.getByLabel('Chain');
    await expect
      .poll(async () => chain.locator('option').allTextContents(), { timeout: 30_000 })
      .toContain(DAY);
    await chain.selectOption({ label: DAY });
    await panel.getByText(`(${DAY} #0)`).waitFor({ timeout: 60_000 });
    expect(await panel.textContent()).toMatch(/NIFTY spot [\d.]+ at 18 Aug 2026 10:43/);
    await panel.getByTestId('payoff-stats').waitFor();
    await shot(p, '03-payoff-on-real-day');
    await p.context().close();
    expect(violations).toEqual([]);
  });
});

describe('headers and redirects', () => {
  it('gives every page a fresh nonce CSP and every response the security headers', async () => {
    const [a, b] = await Promise.all([fetch(`${base}/sign-in`), fetch(`${base}/sign-in`)]);
    const csp = a.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(b.headers.get('content-security-policy')).not.toContain(nonce);
    const html = await a.text();
    expect(html).toContain(`nonce="${nonce}"`);
    for (const res of [a, await fetch(`${base}/api/health`)]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
    const health = await fetch(`${base}/api/health`);
    expect(health.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    const text = await health.text();
    expect(text).not.toMatch(/redis:\/\/|127\.0\.0\.1|\/tmp\//);
    expect(JSON.parse(text)).toMatchObject({ db: 'ok', redis: 'ok' });
  });

  it('signs in and stays on the site whatever next= says', async () => {
    const p = await page();
    for (const next of ['/%09/evil.example', '/%0a/evil.example', '//evil.example']) {
      await p.goto(`${base}/sign-in?next=${next}`);
      await fillAuthForm(p, { email: trader.email, password: trader.password });
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL((u) => u.pathname === '/strategies', { timeout: 30_000 });
      expect(new URL(p.url()).origin).toBe(new URL(base).origin);
      await p.context().clearCookies();
    }
    await p.context().close();
    expect(violations).toEqual([]);
  });
});

describe('abuse at the door', () => {
  it('refuses a 100 MB body before reading it, a large anonymous one, and one of unknown size', async () => {
    const big = await raw(
      'POST',
      '/api/trpc/strategies.create',
      { 'content-type': 'application/json', 'content-length': 100 * 1024 * 1024 },
      { bytes: 100 * 1024 * 1024 },
    );
    expect(big.status).toBe(413);
    expect(big.text).toMatch(/too large: an API request may be at most 8 MB/);
    expect(big.sent).toBeLessThan(100 * 1024 * 1024);
    const anonymous = await raw(
      'POST',
      '/api/trpc/backtests.create',
      { 'content-type': 'application/json', 'content-length': 2 * 1024 * 1024 },
      'x'.repeat(2 * 1024 * 1024),
    );
    expect(anonymous.status).toBe(401);
    const chunked = await raw(
      'POST',
      '/api/trpc/strategies.create',
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      '{}',
    );
    expect(chunked.status).toBe(411);
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
  });

  it('slows password guessing down however X-Forwarded-For is forged', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${base}/api/auth/sign-in/email`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: base,
          'x-forwarded-for': `203.0.113.${i + 1}`,
        },
        body: JSON.stringify({ email: trader.email, password: `guess-number-${i}` }),
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5).every((s) => s === 429)).toBe(true);
  });

  it('keeps everything in the data folder readable by its owner only', () => {
    const loose: string[] = [];
    const visit = (p: string) => {
      const s = lstatSync(p);
      if (s.isSymbolicLink()) return;
      const mode = s.mode & 0o777;
      if (s.isDirectory()) {
        if (mode !== 0o700) loose.push(`${p} ${mode.toString(8)}`);
        for (const n of readdirSync(p)) visit(path.join(p, n));
      } else if (mode & 0o077) loose.push(`${p} ${mode.toString(8)}`);
    };
    visit(suite.app.dataDir);
    expect(loose).toEqual([]);
    const url = path.join(suite.app.dataDir, 'redis-url');
    // The private Redis (when the app runs its own) has a password, kept in an owner-only file.
    if (existsSync(url)) expect(readFileSync(url, 'utf8')).toMatch(/^redis:\/\/:[0-9a-f]{48}@/);
    if (existsSync(path.join(suite.app.dataDir, 'pglite')))
      expect(readdirSync(path.join(suite.app.dataDir, 'pglite')).length).toBeGreaterThan(3);
  });
});

describe('the API served by the launcher', () => {
  it('ends a session at sign-out at once, however recently it was used', async () => {
    const who = await signUpAndIn(base, {
      email: `sam.${stamp}@example.test`,
      password: 'iron-condor-at-ten',
    });
    const api = clientFor(base, who.cookie);
    await api.strategies.create.mutate({ name: 'Before sign-out' });
    // Asked twice so the second answer can come from a session looked up a moment ago.
    expect(await api.strategies.list.query()).toHaveLength(1);
    expect(await api.strategies.list.query()).toHaveLength(1);
    const out = await fetch(`${base}/api/auth/sign-out`, {
      method: 'POST',
      headers: { cookie: who.cookie, origin: base, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    const after = await api.strategies.list.query().then(
      () => 'answered',
      (err: { data?: { httpStatus?: number; userMessage?: string } }) => err.data,
    );
    expect(after).toMatchObject({
      httpStatus: 401,
      userMessage: 'You are signed out. Sign in to continue.',
    });
  });

  it('answers tRPC with the security headers, batching and the error contract', async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: null } }));
    const res = await fetch(`${base}/api/trpc/strategies.list,account.session?batch=1&input=${input}`); // prettier-ignore
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
    const body = (await res.json()) as { result?: { data: { json: unknown } }; error?: { json: { data: { httpStatus: number } } } }[]; // prettier-ignore
    expect(body).toHaveLength(2);
    expect(body[0].error?.json.data.httpStatus).toBe(401);
    expect(body[1].result?.data.json).toBeNull();
    const bad = await fetch(`${base}/api/trpc/strategies.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: 'nope' } }))}`); // prettier-ignore
    expect(bad.status).toBe(401);
    const head = await fetch(`${base}/api/health`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('cache-control')).toBe('no-store');
  });
});
