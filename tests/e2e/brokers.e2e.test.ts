/**
 * Settings, Brokers in Chromium against the built app, with the local Kite and Alpaca fakes as
 * the brokers: connect a Kite account, run its daily login through Kite's (fake) login page and
 * back to our callback, see it connected; connect Alpaca with a wrong secret and read why it
 * failed; the secrets typed never show on the page again; disconnect.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlpacaFake, type AlpacaFake } from '@/tests/fakes/alpaca';
import { startKiteFake, type KiteFake } from '@/tests/fakes/kite';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('e2e', { fullPage: true });
const suite = new SuiteApp();
let browser: Browser;
let kite: KiteFake;
let alpaca: AlpacaFake;
const KITE_SECRET = 'kite-secret-e2e-7f3a9c';
const ALPACA_WRONG = 'alpaca-wrong-secret-e2e';

beforeAll(async () => {
  kite = await startKiteFake({ apiKey: 'kitee2ekey', apiSecret: KITE_SECRET, listings: [] });
  alpaca = await startAlpacaFake({
    keyId: 'PKE2E0001',
    secretKey: 'alpaca-right-secret',
    listings: [],
  });
  const saved = { ...process.env };
  // The app child process inherits these: its brokers are the fakes.
  Object.assign(process.env, {
    KITE_API_URL: kite.url,
    KITE_WS_URL: kite.wsUrl,
    KITE_LOGIN_URL: kite.loginUrl,
    ALPACA_API_URL: alpaca.url,
    ALPACA_STREAM_URL: alpaca.streamUrl,
  });
  try {
    await suite.start();
  } finally {
    process.env = saved;
  }
  kite.redirectUrl = `${suite.base}/api/brokers/kite/callback`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
  await Promise.all([kite?.close(), alpaca?.close()]);
});

describe('Brokers page', () => {
  it('connects Kite through its daily login, reports a wrong Alpaca secret, never shows a secret again', async () => {
    const page: Page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    const stamp = Date.now().toString(36);
    await signUp(page, suite.base, {
      name: 'Brokers Trader',
      email: `brokers.${stamp}@example.test`,
      password: 'kite-login-0600',
    });
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Brokers' })
      .click();
    await page.waitForURL(/\/brokers$/);
    await page.getByText('No broker connected').waitFor();

    const form = page.getByRole('form', { name: 'Connect a broker account' });
    await form.getByLabel('Label').fill('Kite main');
    await form.getByLabel('API key').fill('kitee2ekey');
    await form.getByLabel('API secret').fill(KITE_SECRET);
    await form.getByRole('button', { name: 'Connect' }).click();
    const row = page.getByTestId('broker-account-row').filter({ hasText: 'Kite main' });
    await row.getByText('Log in needed').waitFor();
    await shot(page, 'brokers-01-kite-saved');

    // Kite's login page sends the browser back to our callback with a request token.
    await row.getByRole('button', { name: 'Log in to Kite' }).click();
    await page.waitForURL(/\/brokers\?kite=connected/);
    await row.getByText('Connected').waitFor();
    expect(await row.textContent()).toContain('AB1234');
    await shot(page, 'brokers-02-kite-connected');

    await form.getByLabel('Broker').selectOption('alpaca');
    await form.getByLabel('Label').fill('Alpaca paper');
    await form.getByLabel('API key id').fill('PKE2E0001');
    await form.getByLabel('Secret key').fill(ALPACA_WRONG);
    await form.getByRole('button', { name: 'Connect' }).click();
    const alpacaRow = page.getByTestId('broker-account-row').filter({ hasText: 'Alpaca paper' });
    await alpacaRow.getByText('Error').waitFor();
    expect(await alpacaRow.textContent()).toMatch(/check the API key id and secret/);
    await shot(page, 'brokers-03-alpaca-error');

    await page.reload();
    const html = await page.content();
    for (const secret of [KITE_SECRET, ALPACA_WRONG]) expect(html).not.toContain(secret);

    page.once('dialog', (d) => void d.accept());
    await alpacaRow.getByRole('button', { name: 'Disconnect' }).click();
    await alpacaRow.waitFor({ state: 'detached' });
    await page.close();
  });

  it('switches a paper deployment on the market to live on Kite: its page says the ticks come from Kite', async () => {
    const page: Page = await newPage(browser, { viewport: { width: 1440, height: 1000 } });
    const stamp = Date.now().toString(36);
    await signUp(page, suite.base, { name: 'Live Trader', email: `live.${stamp}@example.test`, password: 'kite-ticks-0915' }); // prettier-ignore
    await page.goto(`${suite.base}/brokers`);
    const form = page.getByRole('form', { name: 'Connect a broker account' });
    await form.getByLabel('Label').fill('Kite live');
    await form.getByLabel('API key').fill('kitee2ekey');
    await form.getByLabel('API secret').fill(KITE_SECRET);
    await form.getByRole('button', { name: 'Connect' }).click();
    const row = page.getByTestId('broker-account-row').filter({ hasText: 'Kite live' });
    await row.getByRole('button', { name: 'Log in to Kite' }).click();
    await page.waitForURL(/\/brokers\?kite=connected/);
    await row.getByText('Connected').waitFor();

    await page.goto(`${suite.base}/templates`);
    await page.getByLabel('Search').fill('straddle');
    await page.getByTestId('template-card').filter({ hasText: 'NIFTY short straddle, 25% SL, re-cost' }).click(); // prettier-ignore
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Deploy on paper' }).click();
    const deploy = page.getByRole('dialog', { name: 'Deploy on paper' });
    await deploy.getByLabel(/Live market/).check();
    await deploy.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
    await page.getByText('simulated market', { exact: true }).first().waitFor();

    await page.getByRole('button', { name: 'Switch to live…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Switch to live' });
    await dialog.getByText(/ticks come from the broker, not\s+the simulator/).waitFor();
    const name = await dialog.locator('label', { hasText: 'Type the strategy name' }).locator('span').textContent(); // prettier-ignore
    await dialog.getByLabel(/Type the strategy name/).fill(name ?? '');
    await dialog.getByRole('button', { name: 'Go live' }).click();
    // The dialog's link, or the page's once the paper deployment is stopped (the dialog goes with it).
    await page.getByRole('link', { name: 'Open the live deployment' }).first().click();
    await page.getByTestId('mode-badge').filter({ hasText: 'live' }).first().waitFor();
    await page.getByText('Ticks: Kite (AB1234)').first().waitFor();
    expect(await page.getByText('simulated market', { exact: true }).count()).toBe(0);
    await shot(page, 'brokers-04-live-on-kite-ticks');
    await page.close();
  });
});
