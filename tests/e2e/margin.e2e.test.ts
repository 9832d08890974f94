/**
 * Margin from a connected Kite account, in Chromium against the built app with the local Kite
 * fake as the broker: connect Kite on the Brokers page and run its daily login, then read
 * "Margin from Kite (account …)" with return on margin in a strategy's payoff panel and on a
 * backtest's results page, the figure being the fake's answer to POST /margins/basket for the
 * legs the panel resolved; pick a second Kite account that Kite refuses and read why the
 * approximation is shown instead, on both pages. Screenshots go to tests/artifacts/margin/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { straddleJson } from '@/engine/backtest/golden-straddle';
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { getInstrument } from '@/engine/market/instruments';
import { latestSimulatedChain } from '@/server/services/market';
import { startKiteFake, type KiteFake, type KiteListing } from '@/tests/fakes/kite';
import { clientFor } from '@/tests/support/app-client';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('margin', { fullPage: true });
const suite = new SuiteApp();
let browser: Browser;
let kite: KiteFake;
/** The strike of every tradingsymbol the fake lists. */
const strikes = new Map<string, number>();
const KITE_SECRET = 'kite-secret-margin-e2e-51c';
const stamp = Date.now().toString(36);
const poll = <T>(fn: () => T | Promise<T>, timeout = 60_000) =>
  expect.poll(fn, { timeout, interval: 200 });

beforeAll(async () => {
  // Kite lists every contract of the chain the payoff panel resolves on (the latest simulated
  // NIFTY session, seed 7), with NIFTY's lot size, so the basket's symbols are all found.
  const chain = latestSimulatedChain('NIFTY', 7, Date.now());
  const lotSize = getInstrument('NIFTY').lotSize;
  const listings: KiteListing[] = chain.expiries.flatMap((e) =>
    [...new Set(e.options.map((o) => o.strike))].map((strike) => ({
      underlying: 'NIFTY',
      expiry: e.expiry,
      strike,
      lotSize,
    })),
  );
  kite = await startKiteFake({ apiKey: 'kitemargine2e', apiSecret: KITE_SECRET, listings });
  for (const l of listings)
    for (const right of ['CE', 'PE'] as const)
      strikes.set(kite.instrument('NIFTY', l.expiry, l.strike, right).tradingsymbol, l.strike);
  const saved = { ...process.env };
  Object.assign(process.env, {
    KITE_API_URL: kite.url,
    KITE_WS_URL: kite.wsUrl,
    KITE_LOGIN_URL: kite.loginUrl,
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
  await kite?.close();
});

/** A short ATM straddle on NIFTY, one lot a leg. */
function straddleGraph(name: string) {
  const json = structuredClone(straddleJson) as unknown as { basket: { name: string } };
  json.basket.name = name;
  const doc = parseDsl(json);
  if (!doc.ok) throw new Error(JSON.stringify(doc.errors));
  return decompile(doc.value) as unknown as Record<string, unknown>;
}

async function connectKite(page: Page, label: string) {
  await page.goto(`${suite.base}/brokers`);
  const form = page.getByRole('form', { name: 'Connect a broker account' });
  await form.getByLabel('Label').fill(label);
  await form.getByLabel('API key').fill('kitemargine2e');
  await form.getByLabel('API secret').fill(KITE_SECRET);
  await form.getByRole('button', { name: 'Connect' }).click();
  const row = page.getByTestId('broker-account-row').filter({ hasText: label });
  await row.getByRole('button', { name: 'Log in to Kite' }).click();
  await page.waitForURL(/\/brokers\?kite=connected/);
  await row.getByText('Connected').waitFor();
}

/** What the fake answered for the last basket it margined: 12 % of each short's strike notional (no quotes, no premium). */
function fakeFinal(): number {
  const last = kite.basketRequests[kite.basketRequests.length - 1];
  const orders = JSON.parse(last.body) as {
    tradingsymbol: string;
    transaction_type: string;
    quantity: number;
  }[];
  return orders
    .filter((o) => o.transaction_type === 'SELL')
    .reduce((a, o) => a + 0.12 * strikes.get(o.tradingsymbol)! * o.quantity, 0);
}

const rupees = (x: number) =>
  `₹${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

describe('margin from a connected Kite account', () => {
  it('shows Kite basket margin with return on margin in the payoff panel and the results, and the approximation with the reason when Kite refuses', async () => {
    const page: Page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    await signUp(page, suite.base, {
      name: 'Margin Trader',
      email: `margin.${stamp}@example.test`,
      password: 'span-and-exposure-11',
    });
    await connectKite(page, 'Kite main');
    await shot(page, '01-kite-connected');

    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const api = clientFor(suite.base, cookie);
    const name = `Margin straddle ${stamp}`;
    const strategy = await api.strategies.create.mutate({ name, graph: straddleGraph(name) });

    // The payoff panel asks Kite for the opening legs' basket margin.
    const before = kite.basketRequests.length;
    await page.goto(`${suite.base}/strategies/${strategy.id}`);
    await page.getByRole('tab', { name: 'Payoff' }).click();
    const box = page.getByTestId('margin');
    await poll(async () => (await box.textContent()) ?? '').toContain(
      'Margin from Kite (account Kite main)',
    );
    expect(kite.basketRequests.length).toBe(before + 1);
    const sent = JSON.parse(kite.basketRequests[before].body) as { transaction_type: string }[];
    expect(sent.map((o) => o.transaction_type)).toEqual(['SELL', 'SELL']);
    expect(kite.basketRequests[before].query).toBe('?consider_positions=true');
    const figure = fakeFinal();
    expect(await page.getByTestId('margin-total').textContent()).toBe(rupees(figure));
    expect(await box.textContent()).toMatch(/Max profit on margin\d+\.\d %/);
    expect(await page.getByTestId('margin-method').textContent()).toMatch(
      /Kite's own basket margin for these orders as NRML/,
    );
    expect(await page.getByTestId('margin-from').inputValue()).not.toBe('approximation');
    await shot(page, '02-payoff-margin-from-kite');

    // A backtest's results page shows Kite's figure and the return on it. The legs resolve on the
    // simulated live market, which moves while the backtest runs: once the payoff panel's answer
    // has left the cache (30 s), the results page asks Kite again, possibly for an ATM a strike
    // away, so its figure is the fake's answer to the last basket Kite was sent.
    const bt = await api.backtests.create.mutate({
      strategyId: strategy.id,
      dataSource: { kind: 'simulator', underlying: 'NIFTY', from: '2026-11-02', to: '2026-11-04', seed: 7 }, // prettier-ignore
    });
    await poll(async () => (await api.backtests.get.query({ id: bt.id })).status, 120_000).toBe(
      'succeeded',
    );
    await page.goto(`${suite.base}/backtests/${bt.id}`);
    const summary = page.getByTestId('results-margin');
    await poll(async () => (await summary.textContent()) ?? '').toContain(
      'Margin from Kite (account Kite main): ₹',
    );
    const last = JSON.parse(kite.basketRequests.at(-1)!.body) as { transaction_type: string }[];
    expect(last.map((o) => o.transaction_type)).toEqual(['SELL', 'SELL']);
    expect(await summary.textContent()).toContain(
      `Margin from Kite (account Kite main): ${rupees(fakeFinal())}`,
    );
    const metrics = page.getByTestId('backtest-metrics');
    expect(await metrics.textContent()).toMatch(
      /Return on margin-?\d+\.\d %of ₹[\d,]+ \(Margin from Kite \(account Kite main\)\)/,
    );
    await shot(page, '03-results-margin-from-kite');

    // A second Kite account that Kite refuses: the approximation, with Kite's reason.
    await connectKite(page, 'Kite backup');
    kite.basketRejection = {
      status: 400,
      errorType: 'InputException',
      message: 'Margin calculation is unavailable for this account.',
    };
    await page.goto(`${suite.base}/strategies/${strategy.id}`);
    await page.getByRole('tab', { name: 'Payoff' }).click();
    await page.getByTestId('margin-from').waitFor({ timeout: 60_000 });
    await page.getByTestId('margin-from').selectOption({ label: 'Kite backup (Kite)' });
    const fallback = page.getByTestId('margin-fallback');
    await fallback.waitFor({ timeout: 60_000 });
    expect(await fallback.textContent()).toBe(
      'Kite account "Kite backup": Kite refused the basket margin request: Margin calculation is unavailable for this account. Check the legs (quantity in whole lots, listed strikes) and try again. Showing the approximation instead.',
    );
    expect(await page.getByTestId('margin-method').textContent()).toMatch(/SPAN-like/);
    expect(await box.textContent()).toContain('Capital needed (approx.)');
    await shot(page, '04-payoff-kite-refused-approximation');

    // The pick holds on the results page too, which says the same.
    await page.goto(`${suite.base}/backtests/${bt.id}`);
    const resultsFallback = page.getByTestId('results-margin-fallback');
    await resultsFallback.waitFor({ timeout: 60_000 });
    expect(await resultsFallback.textContent()).toMatch(
      /^Kite account "Kite backup": Kite refused the basket margin request: .* Return on margin uses the approximation instead\.$/,
    );
    expect(await summary.textContent()).toMatch(/^Capital needed for one set of legs ≈ INR/);
    await shot(page, '05-results-kite-refused-approximation');

    const html = await page.content();
    expect(html).not.toContain(KITE_SECRET);
    for (const token of kite.accessTokens) expect(html).not.toContain(token);
    await page.close();
  });
});
