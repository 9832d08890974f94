/**
 * The delta hedge in Chromium against the built app: a short straddle from the leg table's preset,
 * the hedge switched on in the leg table (the block appears on the canvas, the DSL carries it),
 * then a backtest on the real NIFTY day of 2026-08-18 whose results show the hedge's P&L and costs
 * apart and mark its trades. Screenshots go to tests/artifacts/delta-hedge/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDataDir } from '@/datasets/shared-data';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('delta-hedge', { fullPage: true });
const DAY_FILE = 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet';
const shared = sharedDataDir();

const suite = new SuiteApp();
let base: string;
let browser: Browser;
const stamp = Date.now().toString(36);

beforeAll(async () => {
  await suite.start();
  base = suite.base;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
});

const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 100 });

async function compiledDsl(page: Page) {
  await page.getByRole('tab', { name: 'Compiled DSL' }).click();
  await poll(() => page.getByTestId('dsl-view').count()).toBe(1);
  const dsl = JSON.parse((await page.getByTestId('dsl-view').textContent())!);
  await page.getByRole('tab', { name: /^Legs/ }).click();
  return dsl;
}

describe.skipIf(!shared)('the delta hedge', () => {
  it('is switched on in the leg table, drawn on the canvas, and backtested on the real NIFTY day with its account apart', async () => {
    const page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    await signUp(page, base, {
      name: 'Hema Hedger',
      email: `hema.${stamp}@example.test`,
      password: 'gamma-scalper-77',
    });
    await page.goto(`${base}/strategies`);
    await page.getByLabel('New strategy name').fill(`Hedged straddle ${stamp}`);
    await page.getByRole('button', { name: 'New strategy' }).click();
    await page.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    await page.getByTestId('preset-short-straddle').click();

    const row = page.getByTestId('hedge-row');
    expect(await row.getByTestId('hedge-summary').textContent()).toMatch(/^off/);
    await row.getByRole('checkbox', { name: /Delta hedge with futures/ }).check();
    await poll(() => page.locator('[data-block-type="deltaHedge"]').count()).toBe(1);
    await row.getByLabel('Hedge on an interval').check();
    await row.getByLabel('Interval (minutes)').fill('30');
    await poll(() => row.getByTestId('hedge-summary').textContent()).toBe(
      "delta hedge to 0 with this month's futures: outside ± 50 · every 30 min",
    );
    await poll(() => page.getByTestId('problem-count').textContent()).toBe('0');
    expect(await page.locator('[data-block-type="deltaHedge"]').textContent()).toContain(
      'outside ± 50 · every 30 min',
    );
    expect(await page.locator('[data-block-type="deltaHedge"]').textContent()).toContain(
      "delta hedge to 0 with this month's futures",
    );
    const dsl = await compiledDsl(page);
    expect(dsl.basket.strategies[0].deltaHedge).toEqual({
      typeVersion: 1,
      expiry: { kind: 'monthly', offset: 0 },
      targetDelta: 0,
      band: 50,
      intervalMinutes: 30,
      minTradeLots: 1,
    });
    await poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
    await shot(page, '01-hedge-in-the-leg-table-and-on-the-canvas');

    // SPY has no futures: the switch says so, and the block that is there gets the reason.
    await page.getByLabel('Underlying').first().selectOption('SPY');
    await poll(() => page.getByTestId('problem-count').textContent()).toBe('1');
    expect(await row.textContent()).toMatch(/SPY has no futures to hedge with/);
    await shot(page, '02-no-futures-on-spy');
    await page.getByLabel('Underlying').first().selectOption('NIFTY');
    await poll(() => page.getByTestId('problem-count').textContent()).toBe('0');
    await poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');

    await page.getByRole('button', { name: 'Backtest', exact: true }).click();
    const launcher = page.getByTestId('backtest-launcher');
    await launcher.getByRole('radio', { name: 'Real dataset' }).check();
    await launcher.getByRole('combobox', { name: /^Dataset/ }).selectOption(DAY_FILE);
    await launcher.getByRole('button', { name: 'Run backtest' }).click();
    await page.waitForSelector('[data-testid="backtest-progress"][data-status="succeeded"]', {
      timeout: 240_000,
    });
    const href = await page.getByTestId('open-results').getAttribute('href');
    await page.goto(`${base}${href}`);
    const hedge = page.getByTestId('hedge-metrics');
    await hedge.waitFor({ timeout: 60_000 });
    const text = (await hedge.textContent())!;
    expect(text).toMatch(/Hedge P&L/);
    expect(text).toMatch(/Hedge costs/);
    expect(text).toMatch(/Legs without the hedge/);
    const trades = page.getByTestId('trades-table');
    await trades.waitFor();
    const marked = await trades.getByText('hedge', { exact: true }).count();
    expect(marked).toBeGreaterThan(0);
    expect(await trades.textContent()).toContain('Delta hedge');
    await shot(page, '03-results-with-the-hedge-apart');
    await page.close();
  });
});
