/**
 * Portfolio risk and deployment scenarios in Chromium against the built app. Two paper
 * deployments (a NIFTY short straddle and a BANKNIFTY short straddle, each on a simulated
 * session at 60x) are started through the API as the trader, the way the Deploy button will;
 * then the Portfolio page streams both, per underlying and per expiry; the scenario matrix of
 * one running deployment and of the whole paper portfolio are opened from it; and a vega limit
 * set on the page pauses both deployments' new entries. Screenshots go to tests/artifacts/portfolio/.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { straddleJson } from '@/engine/backtest/golden-straddle';
import { parseDsl } from '@/engine/dsl';
import { decompile } from '@/engine/graph';
import { clientFor, type AppClient } from '@/tests/support/app-client';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('portfolio', { fullPage: true });
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

const poll = <T>(fn: () => T | Promise<T>, timeout = 30_000) =>
  expect.poll(fn, { timeout, interval: 200 });

/** A short ATM straddle entering a minute after the open, stops wide enough to stay in. */
function straddleGraph(name: string, underlying: 'NIFTY' | 'BANKNIFTY') {
  const json = structuredClone(straddleJson) as unknown as {
    basket: { name: string; strategies: Record<string, unknown>[] };
  };
  json.basket.name = name;
  const s = json.basket.strategies[0] as {
    underlying: string;
    entry: { time: string };
    legs: { expiry: { kind: string }; stopLoss: { value: number } }[];
  };
  s.underlying = underlying;
  s.entry.time = '09:16';
  for (const l of s.legs) {
    l.stopLoss.value = 300;
    // BANKNIFTY lists monthly expiries only.
    if (underlying === 'BANKNIFTY') l.expiry.kind = 'monthly';
  }
  const doc = parseDsl(json);
  if (!doc.ok) throw new Error(JSON.stringify(doc.errors));
  return decompile(doc.value) as unknown as Record<string, unknown>;
}

async function deploy(api: AppClient, name: string, underlying: 'NIFTY' | 'BANKNIFTY') {
  const s = await api.strategies.create.mutate({ name, graph: straddleGraph(name, underlying) }); // prettier-ignore
  return (await api.deployments.create.mutate({ strategyId: s.id, mode: 'paper', feed: 'session', speed: 60 })).id; // prettier-ignore
}

describe('portfolio risk', () => {
  it('streams two paper deployments, stresses one and the whole portfolio, and pauses entries on a limit', async () => {
    const page: Page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    await signUp(page, base, {
      name: 'Petra Portfolio',
      email: `petra.${stamp}@example.test`,
      password: 'theta-and-vega-42',
    });
    const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const api = clientFor(base, cookie);
    const niftyId = await deploy(api, `NIFTY short straddle ${stamp}`, 'NIFTY');
    const bankId = await deploy(api, `BANKNIFTY short straddle ${stamp}`, 'BANKNIFTY');

    // Both sell their straddles a minute (a second at 60x) after their session opens.
    await poll(async () => (await api.portfolio.get.query()).sections.flatMap((s) => s.deployments).map((d) => d.figures.legs), 120_000).toEqual([2, 2]); // prettier-ignore

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Portfolio' }).click(); // prettier-ignore
    await page.waitForURL(/\/portfolio$/);
    const paper = page.getByTestId('portfolio-paper');
    await paper.getByTestId('by-deployment').waitFor();
    expect(await page.getByTestId('portfolio-live').textContent()).toContain('No live deployment is running.'); // prettier-ignore
    const byUnderlying = paper.getByTestId('by-underlying');
    await poll(() => byUnderlying.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^BANKNIFTY [\d,.]+.*2$/),
      expect.stringMatching(/^NIFTY [\d,.]+.*2$/),
    ]);
    expect(await paper.getByTestId('by-expiry').locator('tbody tr').count()).toBe(2);
    const rows = paper.getByTestId('by-deployment').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const links = await paper.getByTestId('by-deployment').getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href'))); // prettier-ignore
    expect(links).toEqual(expect.arrayContaining([`/deployments/${niftyId}`, `/deployments/${bankId}`, `/portfolio/scenarios?deployment=${niftyId}`])); // prettier-ignore
    // The totals are the sum of the rows: legs 4, and short straddles are short vega.
    const totals = paper.getByTestId('portfolio-totals');
    await poll(async () => (await totals.textContent())!).toMatch(/Legs4/);
    expect(await totals.textContent()).toMatch(/Vega \/ vol pt-/);
    // The stream moves the page without a reload: the 'updated' time changes as ticks arrive.
    const updated = await page.getByTestId('portfolio-updated').textContent();
    await poll(() => page.getByTestId('portfolio-updated').textContent()).not.toBe(updated);
    await shot(page, '01-portfolio-two-paper-deployments');

    // The scenario matrix of the running NIFTY deployment.
    await page.getByRole('link', { name: `Scenarios of NIFTY short straddle ${stamp}` }).click();
    await page.waitForURL(/\/portfolio\/scenarios\?deployment=/);
    const matrix = page.getByTestId('scenario-matrix');
    await matrix.waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scenario-source').textContent()).toMatch(/^2 legs held by NIFTY short straddle/); // prettier-ignore
    const legs = await page.getByTestId('scenario-legs').locator('tbody tr').allTextContents();
    expect(legs).toHaveLength(2);
    for (const l of legs) expect(l).toMatch(/SELL NIFTY \d{4}-\d{2}-\d{2} \d+ (CE|PE)65/);
    // A short straddle loses most on the biggest move, either way: the worst cell is on an edge row.
    expect(await page.getByTestId('worst-cell').textContent()).toMatch(/^-[\d,]+ at (\+10\.0|-10\.0)% spot, [+-]?\d+ pts IV$/); // prettier-ignore
    await page.getByTestId('worst-cell-td').waitFor();
    const cell = matrix.getByRole('gridcell').nth(10);
    await cell.hover();
    await poll(() => page.getByTestId('cell-greeks').textContent()).toMatch(/^Cell: /);
    expect(await page.getByTestId('cell-greeks').textContent()).toMatch(/Vega \/ vol pt/);
    const stress = await page.getByTestId('stress-table').locator('tbody tr td:first-child').allTextContents(); // prettier-ignore
    expect(stress).toEqual(expect.arrayContaining(['Gap down 5 %, IV +8', 'Expiry-day crush']));
    await shot(page, '02-scenario-matrix-of-a-running-paper-deployment');

    // The whole paper portfolio: four legs over two underlyings.
    await page.goto(`${base}/portfolio`);
    await page.getByRole('link', { name: 'Scenario matrix of this portfolio' }).click();
    await page.waitForURL(/\/portfolio\/scenarios\?mode=paper&currency=INR/);
    await page.getByTestId('scenario-matrix').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scenario-source').textContent()).toMatch(/^4 legs held by/);
    await shot(page, '03-scenario-matrix-of-the-paper-portfolio');

    // A vega limit below what the two straddles carry: both stop taking entries, on the page too.
    await page.goto(`${base}/portfolio`);
    const view = await api.portfolio.get.query();
    const vega = Math.abs(view.sections[0].risk.total.vega);
    const form = page.getByRole('region', { name: 'Portfolio limits' });
    await form.getByLabel('Vega').fill(String(Math.floor(vega / 4)));
    await form.getByRole('button', { name: 'Save limits' }).click();
    await poll(() => page.getByRole('alert').first().textContent(), 60_000).toMatch(/Limit crossed, new entries of these deployments are paused/); // prettier-ignore
    await poll(async () => (await api.portfolio.get.query()).sections[0].deployments.map((d) => d.tradingState), 60_000).toEqual(['REDUCING', 'REDUCING']); // prettier-ignore
    await poll(() => page.getByTestId('by-deployment').getByText(/exits only: paused by the portfolio risk limits \(net vega/).count(), 60_000).toBe(2); // prettier-ignore
    await shot(page, '04-vega-limit-pauses-new-entries');

    // Stop both so the session feeds end with the suite.
    await api.deployments.killAll.mutate();
    await page.close();
  }, 420_000);
});
