/**
 * The risk desk in Chromium against the built app: the volatility lab on the real NIFTY day of
 * 2026-08-18 (numbers on screen checked against the engine on the same snapshot), the regime
 * view over the four August sessions, and the scenario matrix of a strategy's opening position
 * reached from the builder.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ratio, volPts } from '@/components/analysis/format';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { volLab } from '@/engine/analysis/vol-lab';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { SuiteApp } from './app-process';
import { launchChromium, newPage as pageIn, screenshots, signUp } from './browser';

const shot = screenshots('risk-desk', { fullPage: true });
const shared = sharedDataDir();
const FOLDER = 'chiragaibooks-Option-chain-Parquet';
const DAY_FILE = `${FOLDER}/option_chain_20260818.parquet`;
const AT = '2026-08-18T14:00:00+05:30';

const suite = new SuiteApp();
let base: string;
let browser: Browser;
const stamp = Date.now().toString(36);
const trader = {
  name: 'Rita Risk',
  email: `rita.${stamp}@example.test`,
  password: 'vega-and-gamma-9',
};

beforeAll(async () => {
  await suite.start();
  base = suite.base;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
});

let signedUp = false;
async function page(): Promise<Page> {
  const p = await pageIn(browser, { viewport: { width: 1440, height: 900 } });
  if (!signedUp) {
    await signUp(p, base, trader);
    signedUp = true;
    return p;
  }
  await p.goto(`${base}/sign-in`);
  await p.getByLabel('Email').fill(trader.email);
  await p.getByLabel('Password').fill(trader.password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL(/\/strategies$/);
  return p;
}

async function snapshotAt(ts: string): Promise<ChainSnapshot> {
  for await (const s of readSnapshots(path.join(shared!, DAY_FILE))) if (s.ts === ts) return s;
  throw new Error(`no snapshot at ${ts} in ${DAY_FILE}`);
}

describe.skipIf(!shared)('risk desk', () => {
  it('shows the vol lab of the real NIFTY day 2026-08-18, with the engine’s numbers', async () => {
    const p = await page();
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Vol lab' })
      .click();
    await p.waitForURL(/\/analysis\/volatility/);
    await p.getByRole('combobox', { name: /^Dataset/ }).selectOption(FOLDER);
    await p.getByRole('combobox', { name: /^Session/ }).selectOption('2026-08-18');
    const line = p.getByTestId('vol-lab-snapshot');
    // A new session opens at its close.
    await line
      .filter({ hasText: 'NIFTY at 2026-08-18T15:30:00+05:30' })
      .waitFor({ timeout: 90_000 });
    // The time slider walks the session: Home is its first snapshot.
    await p.getByLabel('Time').focus();
    await p.keyboard.press('Home');
    await line.filter({ hasText: '2026-08-18T10:43:00+05:30' }).waitFor({ timeout: 60_000 });

    // The address bar keeps the choice: 14:00 opens straight from a link.
    expect(decodeURIComponent(p.url())).toContain('at=2026-08-18T10:43:00+05:30');
    await p.goto(
      `${base}/analysis/volatility?dataset=${encodeURIComponent(FOLDER)}&underlying=NIFTY&at=${encodeURIComponent(AT)}`,
    );
    await line.filter({ hasText: `NIFTY at ${AT}` }).waitFor({ timeout: 60_000 });

    const lab = volLab(await snapshotAt(AT));
    const rows = p.getByTestId('expiry-table').locator('tbody tr');
    expect(await rows.locator('td:first-child').allTextContents()).toEqual(
      lab.expiries.map((e) => e.expiry),
    );
    expect(lab.expiries.map((e) => e.expiry)).toEqual([
      '2026-08-18',
      '2026-08-25',
      '2026-09-01',
      '2026-09-08',
    ]);
    // The 25-delta risk reversal and PCR on screen are the engine's for this snapshot.
    const weekly = lab.expiries[1];
    const weeklyRow = rows.filter({ hasText: '2026-08-25' });
    expect(await weeklyRow.locator('td').nth(4).textContent()).toBe(
      volPts(weekly.skew.riskReversal25),
    );
    expect(weekly.skew.riskReversal25!).toBeLessThan(0);
    expect(await weeklyRow.locator('td').nth(8).textContent()).toBe(
      ratio(weekly.positioning.pcrOi),
    );
    const headline = p.getByTestId('vol-headline');
    expect(await headline.textContent()).toContain(`PCR (OI, chain)${ratio(lab.pcrOi)}`);
    expect(await headline.textContent()).toContain(
      `Max pain 25 Aug${weekly.positioning.maxPain!.toLocaleString('en-US')}`,
    );
    // The first session of the data: nothing earlier to rank against, and the page says so.
    expect(await p.getByTestId('iv-history').textContent()).toMatch(/No earlier session/);
    await p.getByTestId('regime-badge').first().waitFor();
    await p.getByTestId('smile-chart').locator('canvas').first().waitFor();
    await shot(p, 'vol-lab-01-nifty-2026-08-18-1400');

    await p.getByRole('button', { name: 'by delta' }).click();
    expect(await p.getByRole('button', { name: 'by delta' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await p.getByTestId('vol-surface').locator('rect').nth(40).hover();
    await p
      .getByTestId('surface-hover')
      .filter({ hasText: /2026-08-(18|25)/ })
      .waitFor();
    await p.getByLabel('Expiry', { exact: true }).selectOption('2026-09-01');
    await p.getByText('Open interest · 2026-09-01').waitFor();
    await shot(p, 'vol-lab-02-smile-by-delta-surface-oi');

    // Three sessions later the closes of the earlier days rank today's ATM IV.
    await p.getByRole('combobox', { name: /^Session/ }).selectOption('2026-08-21');
    await line.filter({ hasText: '2026-08-21T14:32:00+05:30' }).waitFor({ timeout: 60_000 });
    await p.getByTestId('iv-history').filter({ hasText: 'over 3 past sessions' }).waitFor();
    await shot(p, 'vol-lab-03-nifty-2026-08-21-rank-over-3-sessions');
    await p.context().close();
  });

  it('shows the regime over the four August sessions and explains a session’s close', async () => {
    const p = await page();
    await p
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Regimes' })
      .click();
    await p.waitForURL(/\/analysis\/regime/);
    await p.getByRole('combobox', { name: /^Dataset/ }).selectOption(FOLDER);
    const sessions = p.getByTestId('regime-sessions').locator('tbody tr');
    await sessions.nth(3).waitFor({ timeout: 90_000 });
    expect(await sessions.locator('td:first-child').allTextContents()).toEqual([
      '2026-08-18',
      '2026-08-19',
      '2026-08-20',
      '2026-08-21',
    ]);
    await sessions.filter({ hasText: '2026-08-20' }).click();
    const why = p.getByTestId('regime-why');
    await why.filter({ hasText: '2026-08-20' }).waitFor();
    const text = (await why.textContent()) ?? '';
    expect(text).toMatch(/IV rank \(no VIX in the data\) \d+/);
    expect(text).toMatch(/HV [\d.]+% \/ ATM IV [\d.]+% = [\d.]+/);
    expect(
      await sessions
        .filter({ hasText: '2026-08-20' })
        .getByTestId('regime-badge')
        .getAttribute('data-regime'),
    ).toBe((await why.getByTestId('regime-badge').getAttribute('data-regime')) ?? '');
    await shot(p, 'regime-01-nifty-august-2026');
    await p.context().close();
  });

  it("stresses a strategy's opening position: the matrix from the builder, worst cell and greeks per cell", async () => {
    const p = await page();
    await p.goto(`${base}/templates`);
    await p.getByLabel('Search').fill('iron condor');
    await p.getByTestId('template-card').filter({ hasText: 'NIFTY iron condor by delta' }).click();
    await p.getByRole('button', { name: 'Fork into my strategies' }).click();
    await p.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    await p.getByRole('link', { name: 'Scenarios' }).click();
    await p.waitForURL(/\/strategies\/[0-9a-f-]{36}\/scenarios/);
    const matrix = p.getByTestId('scenario-matrix');
    await matrix.waitFor({ timeout: 90_000 });

    // On the real day at 14:00: the condor the runtime would open there.
    await p.getByLabel('Stored snapshot').check();
    await p.getByRole('combobox', { name: /^Dataset/ }).selectOption(DAY_FILE);
    await p
      .getByTestId('scenario-source')
      .filter({ hasText: '2026-08-18T15:30' })
      .waitFor({ timeout: 90_000 });
    expect(await p.getByTestId('scenario-legs').locator('tbody tr').count()).toBe(4);
    const cells = matrix.getByRole('gridcell');
    expect(await cells.count()).toBe(41 * 21);

    // The ringed cell is the lowest P&L of the grid.
    const values = (
      await cells.evaluateAll((tds) => tds.map((td) => td.getAttribute('title') ?? ''))
    ).map((t) => Number(t.split(': ')[1].replace(/,/g, '')));
    const worstText = (await p.getByTestId('worst-cell').textContent()) ?? '';
    expect(Number(worstText.split(' at ')[0].replace(/,/g, ''))).toBe(Math.min(...values));
    expect(await p.getByTestId('worst-cell-td').getAttribute('title')).toContain(
      worstText.split(' at ')[0],
    );

    // Greeks of the cell under the pointer.
    const greeks = p.getByTestId('cell-greeks');
    await cells.nth(10 * 21 + 15).hover();
    await greeks.filter({ hasText: 'Cell: +5.0% spot, +5 pts IV' }).waitFor();
    expect(await greeks.textContent()).toMatch(/Delta \(units\)-?[\d.]+Gamma/);
    await p.getByRole('combobox', { name: /^Days forward/ }).selectOption('expiry');
    await greeks.filter({ hasText: /, [1-9]\d*\.\d d/ }).waitFor();
    expect(await p.getByTestId('stress-table').locator('tbody tr').count()).toBe(9);
    await shot(p, 'scenarios-02-iron-condor-at-first-expiry');
    await p.getByRole('combobox', { name: /^Days forward/ }).selectOption('2');
    await cells.nth(26 * 21 + 14).hover();
    await greeks.filter({ hasText: 'Cell: -3.0% spot, +4 pts IV, 2.0 d' }).waitFor();
    await shot(p, 'scenarios-01-iron-condor-2-days-forward');
    await p.context().close();
  });
});
