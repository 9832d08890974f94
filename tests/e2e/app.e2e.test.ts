import net from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteApp } from './app-process';
import {
  fillAuthForm,
  launchChromium,
  newPage as pageIn,
  screenshots,
  submitSignIn,
} from './browser';

const shot = screenshots('e2e', { fullPage: true });

const suite = new SuiteApp();
let base: string;
let browser: Browser;
const embedded = !process.env.DATABASE_URL?.trim();

const trader = {
  name: 'Asha Trader',
  email: `asha.${Date.now().toString(36)}@example.test`,
  password: 'strangle-at-9-20',
};

beforeAll(async () => {
  await suite.start();
  base = suite.base;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  const output = suite.app?.output();
  // Ctrl-C (SIGINT) is a clean stop: drained jobs, closed database, private Redis gone.
  expect(await suite.dispose(), output).toBe(0);
});

function isListening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const viewport = { width: 1366, height: 768 };

function newPage(): Promise<Page> {
  return pageIn(browser, { viewport });
}

function signIn(page: Page, email: string, password: string) {
  return submitSignIn(page, base, { email, password });
}

describe('the running app', () => {
  it('reports db, redis and workers healthy at /api/health', async () => {
    // Workers answer the heartbeat a few seconds after start.
    let body: Record<string, unknown> = {};
    let status = 0;
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${base}/api/health`);
      status = res.status;
      body = (await res.json()) as Record<string, unknown>;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect({ status, body }).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(JSON.stringify(body)).toMatch(/"version":"\d+\.\d+\.\d+"/);
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const page = await newPage();
    await page.goto(`${base}/strategies`);
    await page.waitForURL(/\/sign-in\?next=%2Fstrategies$/);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await shot(page, '01-sign-in');

    // A made-up session cookie gets past the quick cookie check but not the server's session check.
    await page
      .context()
      .addCookies([{ name: 'better-auth.session_token', value: 'forged.token', url: base }]);
    await page.goto(`${base}/templates`);
    await page.waitForURL(/\/sign-in$/);
    await page.context().close();
  });

  it('signs up, shows the empty Strategies page, signs out, and signs back in', async () => {
    const page = await newPage();
    await page.goto(`${base}/sign-up`);

    await fillAuthForm(page, { name: trader.name, email: 'asha-at-example', password: 'short' });
    await page.getByRole('button', { name: 'Create account' }).click();
    expect(await page.getByTestId('email-error').textContent()).toMatch(/not an email address/);
    expect(await page.getByTestId('password-error').textContent()).toMatch(/at least 8 characters/);
    await shot(page, '02-sign-up-invalid');

    await fillAuthForm(page, trader);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/strategies$/);
    await page.getByText('No strategies yet').waitFor();
    expect(await page.getByTestId('signed-in-as').textContent()).toContain(trader.email);
    for (const label of ['Strategies', 'Templates', 'Backtests', 'Deployments']) {
      expect(
        await page
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: label })
          .isVisible(),
      ).toBe(true);
    }
    await shot(page, '03-strategies-empty');

    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.waitForURL(/\/deployments$/);
    await page.getByText('Nothing deployed').waitFor();
    await shot(page, '04-deployments-empty');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    // Signed out, a bookmarked page asks for sign-in first and then opens where the user was going.
    await page.goto(`${base}/backtests`);
    await page.waitForURL(/\/sign-in\?next=%2Fbacktests$/);
    await fillAuthForm(page, { email: trader.email, password: trader.password });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/backtests$/);
    await page.getByText('No backtests yet').waitFor();
    await page.context().close();
  });

  it('says so when the password is wrong', async () => {
    const page = await newPage();
    await signIn(page, trader.email, 'not-my-password');
    const error = page.getByTestId('password-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('Wrong email or password. Check both and try again.');
    expect(page.url()).toMatch(/\/sign-in$/);
    await shot(page, '05-wrong-password');
    await page.context().close();
  });

  it('refuses a second account with the same email, without saying so to a prober', async () => {
    const page = await newPage();
    await page.goto(`${base}/sign-up`);
    await fillAuthForm(page, { ...trader, name: 'Someone Else', password: 'another-pass-4-me' });
    await page.getByRole('button', { name: 'Create account' }).click();
    const error = page.getByTestId('email-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(
      /If you already have an account with this email, sign in with its password instead/,
    );
    expect(page.url()).toMatch(/\/sign-up$/);
    await shot(page, '06-duplicate-sign-up');
    await page.context().close();
  });

  it.runIf(!embedded)('creates no demo account on a shared Postgres (DATABASE_URL)', () => {
    expect(suite.app.output()).not.toMatch(/demo login/);
  });

  it('opens the template gallery with the example strategies, with or without a demo account', async () => {
    const page = await newPage();
    await signIn(page, trader.email, trader.password);
    await page.waitForURL(/\/strategies$/);
    await page.goto(`${base}/templates`);
    const gallery = page.getByTestId('template-gallery');
    await gallery.waitFor();
    expect(await gallery.getByTestId('template-card').count()).toBeGreaterThanOrEqual(10);
    expect(await gallery.textContent()).toContain('NIFTY short straddle, 25% SL, re-cost');
    await shot(page, '08-template-gallery');
    await page.context().close();
  });

  it.runIf(embedded)('prints a demo login that opens the example strategies', async () => {
    const m = /demo login: (\S+) \/ (\S+)/.exec(suite.app.output());
    expect(m, `launcher output:\n${suite.app.output()}`).not.toBeNull();
    const page = await newPage();
    await signIn(page, m![1], m![2]);
    await page.waitForURL(/\/strategies$/);
    const table = page.getByTestId('strategy-table');
    await table.waitFor();
    expect(await table.getByRole('row').count()).toBe(4);
    expect(await table.textContent()).toContain('NIFTY short straddle, 25% SL, re-cost');
    await shot(page, '07-demo-strategies');
    await page.context().close();
  });
});

describe('a restart', () => {
  it('keeps accounts, sessions and data, and stops cleanly', async () => {
    const context = await browser.newContext({ viewport });
    const page = await context.newPage();
    await signIn(page, trader.email, trader.password);
    await page.waitForURL(/\/strategies$/);

    const privateRedis = /private redis-server on ([^\s:;]+):(\d+)/.exec(suite.app.output());
    if (!process.env.REDIS_URL) expect(privateRedis, suite.app.output()).not.toBeNull();
    expect(await suite.app.stop()).toBe(0);
    if (privateRedis) {
      // Stopping the app stops the redis-server it started.
      await expect(isListening(privateRedis[1], Number(privateRedis[2]))).resolves.toBe(false);
    }
    await suite.start();
    base = suite.base;

    // Cookies belong to the host, not the port: the same browser is still signed in.
    await page.goto(`${base}/strategies`);
    await page.getByText('No strategies yet').waitFor();
    expect(page.url()).toMatch(/\/strategies$/);
    if (embedded) expect(suite.app.output()).toMatch(/demo login: /);
    await context.close();
  });
});
