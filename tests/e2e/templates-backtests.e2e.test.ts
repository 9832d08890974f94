/**
 * What a trader does with templates and backtests, in Chromium against the real app: browse the
 * gallery, look at an example's canvas and payoff, fork it, backtest it with a live progress bar
 * and read the results, publish it as a template, and fork that as a second user.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteApp } from './app-process';
import {
  launchChromium,
  newPage as pageIn,
  screenshots,
  signIn,
  signUp as signUpAt,
  type Person,
} from './browser';

const shot = screenshots('e2e', { fullPage: true });

const suite = new SuiteApp();
let base: string;
let browser: Browser;

const stamp = Date.now().toString(36);
const alice = {
  name: 'Alice Author',
  email: `alice.${stamp}@example.test`,
  password: 'iron-condor-at-10',
};
const bob = {
  name: 'Bob Forker',
  email: `bob.${stamp}@example.test`,
  password: 'short-straddle-915',
};
const EXAMPLE = 'NIFTY short straddle, 25% SL, re-cost';
const PUBLISHED = `Alice's straddle ${stamp}`;

let aliceStrategyUrl = '';
let templateUrl = '';
let bobForkUrl = '';

beforeAll(async () => {
  await suite.start();
  base = suite.base;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
});

function newPage(): Promise<Page> {
  return pageIn(browser, { viewport: { width: 1440, height: 900 }, acceptDownloads: true });
}

const signUp = (page: Page, who: Person) => signUpAt(page, base, who);

/** A fresh page signed in as this person, opened at the url. */
async function pageAs(who: Person, url: string): Promise<Page> {
  const page = await newPage();
  await signIn(page, base, who);
  await page.goto(url);
  return page;
}

describe('templates and backtests', () => {
  it('shows the example gallery with payoff thumbnails, an example read-only, and forks it', async () => {
    const page = await newPage();
    await signUp(page, alice);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Templates' })
      .click();
    await page.waitForURL(/\/templates$/);
    await page.getByTestId('template-card').first().waitFor();
    expect(await page.getByTestId('template-card').count()).toBeGreaterThanOrEqual(12);
    await page.getByTestId('payoff-thumbnail').first().waitFor({ timeout: 60_000 });
    await shot(page, 'templates-01-gallery');

    await page.getByLabel('Search').fill('straddle');
    await page.getByTestId('template-card').filter({ hasText: EXAMPLE }).waitFor();
    await page.getByTestId('template-card').filter({ hasText: EXAMPLE }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
    await page.getByTestId('readonly-canvas').locator('.react-flow__node').first().waitFor();
    expect(
      await page.getByTestId('readonly-canvas').locator('.react-flow__node').count(),
    ).toBeGreaterThan(3);
    await shot(page, 'templates-02-example-canvas');

    await page.getByRole('tab', { name: 'Payoff' }).click();
    const stats = page.getByTestId('payoff-stats');
    await stats.waitFor({ timeout: 60_000 });
    // An unbounded loss reads "unlimited", never "-unlimited".
    expect(await stats.textContent()).toMatch(/Max lossunlimited/);
    const before = await stats.locator('dd').first().textContent();
    const spot = page.getByLabel('Spot move');
    await spot.focus();
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(
      (b) => document.querySelector('[data-testid="payoff-stats"] dd')?.textContent !== b,
      before,
    );
    expect(await page.getByTestId('payoff-legs').locator('tbody tr').count()).toBe(2);
    await shot(page, 'templates-03-example-payoff');

    await page.getByRole('button', { name: 'Fork into my strategies' }).click();
    await page.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    aliceStrategyUrl = page.url();
    await page.getByTestId('fork-status').waitFor();
    expect(await page.getByTestId('fork-status').textContent()).toContain(EXAMPLE);
    await shot(page, 'templates-04-forked-into-builder');
    await page.context().close();
  });

  it('runs a backtest from the builder with a live progress bar, then shows the results', async () => {
    const page = await pageAs(alice, aliceStrategyUrl);

    await page.getByRole('button', { name: 'Backtest', exact: true }).click();
    const launcher = page.getByTestId('backtest-launcher');
    await launcher.getByLabel('From', { exact: true }).fill('2026-11-16');
    await launcher.getByLabel('To', { exact: true }).fill('2026-11-20');
    await launcher.getByRole('button', { name: 'Run backtest' }).click();
    const progress = page.getByTestId('backtest-progress');
    await progress.waitFor();
    expect(await progress.getByRole('progressbar').isVisible()).toBe(true);
    await shot(page, 'backtest-01-progress');
    await page.waitForSelector('[data-testid="backtest-progress"][data-status="succeeded"]', {
      timeout: 180_000,
    });
    expect(await progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await page.getByTestId('open-results').click();
    await page.waitForURL(/\/backtests\/[0-9a-f-]{36}$/);

    await page.getByTestId('backtest-metrics').waitFor();
    await page.getByTestId('equity-chart').waitFor();
    expect(await page.getByTestId('trades-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.getByRole('tab', { name: /Orders/ }).click();
    expect(await page.getByTestId('orders-table').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('orders-table').textContent()).toMatch(/ENTRY/);
    await shot(page, 'backtest-02-results');

    await page.getByRole('tab', { name: /Why/ }).click();
    expect(await page.getByTestId('trace-table').textContent()).toMatch(/STRIKE_SELECTED/);
    await page.getByRole('tab', { name: /Per day/ }).click();
    expect(await page.getByTestId('days-table').locator('tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'backtest-03-trace-and-days');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download report (JSON)' }).click(),
    ]);
    const report = JSON.parse(readFileSync((await download.path())!, 'utf8')) as {
      summary: Record<string, unknown>;
      orders: unknown[];
      equity: unknown[];
    };
    expect(Object.keys(report.summary)).toEqual(
      expect.arrayContaining([
        'netPnl',
        'grossPnl',
        'costs',
        'trades',
        'winRate',
        'maxDrawdown',
        'sharpe',
        'profitFactor',
      ]),
    );
    expect(report.orders.length).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'All backtests' }).click();
    await page.waitForURL(/\/backtests$/);
    expect(await page.getByTestId('backtest-table').textContent()).toContain('succeeded');
    await shot(page, 'backtest-04-list');
    await page.context().close();
  });

  it('publishes the strategy as a template that a second user forks, keeping the lineage', async () => {
    const page = await pageAs(alice, aliceStrategyUrl);
    await page.getByRole('button', { name: 'Publish as template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish as template' });
    await dialog.getByLabel('Title').fill(PUBLISHED);
    await dialog.getByLabel('Description').fill('The example straddle, as I trade it.');
    await dialog.getByLabel('Tags (comma separated)').fill('straddle, weekly');
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click();
    await dialog.getByRole('link', { name: 'Open the template' }).click();
    await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
    templateUrl = page.url();
    await page.getByRole('heading', { name: PUBLISHED }).waitFor();
    expect(await page.getByText('Author', { exact: true }).isVisible()).toBe(true);
    await shot(page, 'templates-05-published');
    await page.context().close();

    const other = await newPage();
    await signUp(other, bob);
    await other.goto(`${base}/templates`);
    const card = other.getByTestId('template-card').filter({ hasText: PUBLISHED });
    await card.waitFor();
    expect(await card.textContent()).toContain(`by ${alice.name}`);
    await card.click();
    await other.waitForURL(templateUrl);
    // Bob reads it but gets no author controls.
    await other.getByRole('heading', { name: PUBLISHED }).waitFor();
    expect(await other.getByText('Author', { exact: true }).count()).toBe(0);
    await other.getByRole('button', { name: 'Fork into my strategies' }).click();
    await other.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    bobForkUrl = other.url();
    await other.getByTestId('fork-status').waitFor();
    expect(await other.getByTestId('fork-status').textContent()).toMatch(
      new RegExp(`Forked from\\s*${PUBLISHED.replace(/[.*+?^${}()|[\]\\']/g, '\\$&')}\\s*v1`),
    );
    await shot(other, 'templates-06-forked-by-second-user');

    // Alice's strategy is still hers alone.
    await other.goto(aliceStrategyUrl);
    await other.getByText(/does not exist or is not yours/).waitFor();
    await shot(other, 'templates-07-other-users-strategy-refused');
    await other.context().close();
  });

  it('a new version by the author is offered to the fork with a diff of the DSL, and the fork updates to it', async () => {
    const page = await pageAs(alice, aliceStrategyUrl);
    const stopLoss = page.locator('[data-block-type="stopLoss"]').first();
    await stopLoss.click();
    const inspector = page.getByTestId('inspector');
    await inspector.getByLabel('Value').fill('30');
    await page.waitForSelector('[data-testid="save-status"][data-state="saved"]');
    await page.goto(templateUrl);
    await page.getByLabel('Notes for the next version').fill('Wider stop-loss');
    await page.getByRole('button', { name: /Publish the strategy's current state as v2/ }).click();
    await page.getByText('Published version 2.').waitFor();
    await shot(page, 'templates-08-author-published-v2');
    await page.context().close();

    const other = await pageAs(bob, bobForkUrl);
    const banner = other.getByTestId('fork-status');
    await banner.getByText('New version available: v2').waitFor();
    await banner.getByRole('button', { name: /Show 1 change/ }).click();
    const diff = await other.getByTestId('fork-diff').textContent();
    expect(diff).toMatch(/\/stopLoss\/value/);
    expect(diff).toContain('25 → 30');
    await shot(other, 'templates-09-fork-sees-new-version-diff');
    other.once('dialog', (d) => void d.accept());
    await banner.getByRole('button', { name: 'Update to v2' }).click();
    await other.getByTestId('fork-status').getByText(/v2\./).waitFor();
    expect(await other.getByTestId('fork-status').getByText('New version available').count()).toBe(
      0,
    );
    await shot(other, 'templates-10-fork-updated');
    await other.context().close();
  });
});
