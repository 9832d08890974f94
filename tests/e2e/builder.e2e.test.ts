/**
 * A trader's session in the builder, in Chromium against the real app: drag blocks from the
 * palette, connect them, fill the inspector, watch the errors clear, autosave, reload, export,
 * work by keyboard alone, and meet the conflict a second tab causes. Screenshots go to
 * tests/artifacts/builder/.
 */
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '@/engine/graph';
import { SuiteApp } from './app-process';
import { launchChromium, newPage, screenshots, signUp, type Person } from './browser';

const shot = screenshots('builder', { fullPage: false });

const suite = new SuiteApp();
let base: string;
let browser: Browser;
let alice: BrowserContext;
let strategyUrl = '';

const stamp = Date.now().toString(36);
const people = {
  alice: {
    name: 'Alice Options',
    email: `alice.${stamp}@example.test`,
    password: 'short-straddle-920',
  },
  bob: { name: 'Bob Greeks', email: `bob.${stamp}@example.test`, password: 'iron-condor-delta' },
};

beforeAll(async () => {
  // STRIKEFLOW_E2E_URL points the suite at an app that is already running (while developing it).
  if (process.env.STRIKEFLOW_E2E_URL) base = process.env.STRIKEFLOW_E2E_URL;
  else {
    await suite.start();
    base = suite.base;
  }
  browser = await launchChromium();
  alice = await signedUpContext(people.alice);
});

afterAll(async () => {
  await browser?.close();
  await suite.dispose();
});

async function signedUpContext(who: Person): Promise<BrowserContext> {
  const page = await newPage(browser, {
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  await signUp(page, base, who);
  await page.close();
  return page.context();
}

/** Polls until the page shows it; a dev server or a busy machine can take seconds per render. */
function poll<T>(fn: () => T | Promise<T>) {
  return expect.poll(fn, { timeout: 20_000, interval: 100 });
}

/** The node id of the only block of this type on the canvas. */
async function blockId(page: Page, type: string): Promise<string> {
  const el = page.locator(`[data-block-type="${type}"]`);
  await poll(() => el.count()).toBe(1);
  const testId = await el.getAttribute('data-testid');
  return testId!.replace(/^block-/, '');
}

async function problemsOn(page: Page, id: string): Promise<number> {
  return Number(await page.getByTestId(`block-${id}`).getAttribute('data-problems'));
}

async function connect(page: Page, from: string, to: string) {
  const a = await page.getByTestId(from).boundingBox();
  const b = await page.getByTestId(to).boundingBox();
  if (!a || !b) throw new Error(`handle ${from} or ${to} is not on screen`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

/** Waits for a clean graph; on failure the message lists the problems the page shows. */
async function expectNoProblems(page: Page) {
  try {
    await poll(() => page.getByTestId('problem-count').textContent()).toBe('0');
  } catch (err) {
    const listed = await page
      .getByTestId('problems')
      .textContent()
      .catch(() => '(no list)');
    await shot(page, 'failure-problems');
    throw new Error(`the graph still has problems: ${listed}`, { cause: err });
  }
}

/** Waits for the draft to be autosaved and gives its row version (autosave is not a version). */
async function savedVersion(page: Page): Promise<number> {
  const status = page.getByTestId('save-status');
  await poll(() => status.getAttribute('data-state')).toBe('saved');
  return Number(await status.getAttribute('data-row-version'));
}

describe('building a strategy on the canvas', () => {
  it('drags a leg and a strike selector, connects them, fills the inspector, and the errors clear', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/strategies`);
    await page.getByLabel('New strategy name').fill('Canvas straddle');
    await page.getByRole('button', { name: 'New strategy' }).click();
    await page.waitForURL(/\/strategies\/[0-9a-f-]{36}$/);
    strategyUrl = page.url();
    await page.getByTestId('canvas').waitFor();
    const strategy = await blockId(page, 'strategy');
    // A new strategy has no legs yet: its block and the problems list say so.
    await poll(() => problemsOn(page, strategy)).toBeGreaterThan(0);
    expect(
      await page
        .getByTestId('block-' + strategy)
        .getByTestId('block-problem')
        .textContent(),
    ).toMatch(/at least one leg/);
    await shot(page, '01-new-strategy');

    const canvas = page.getByTestId('canvas');
    await page.getByRole('tab', { name: 'Blocks' }).click();
    await page.getByTestId('palette-leg').dragTo(canvas, { targetPosition: { x: 260, y: 260 } });
    await page.getByRole('tab', { name: 'Blocks' }).click();
    await page.getByTestId('palette-strike').dragTo(canvas, { targetPosition: { x: 120, y: 480 } });
    const leg = await blockId(page, 'leg');
    const strike = await blockId(page, 'strike');
    expect(
      await page.getByTestId(`block-${leg}`).getByTestId('block-problem').textContent(),
    ).toMatch(/not connected/);
    await shot(page, '02-dropped-leg-and-strike');

    await connect(page, `handle-${strike}-out`, `handle-${leg}-strike`);
    await connect(page, `handle-${leg}-out`, `handle-${strategy}-legs`);
    // The new strategy's basket already holds its execution and strategy blocks: 2 + 2 edges.
    await poll(() => page.locator('.react-flow__edge').count()).toBe(4);
    // Wired up, the errors on the leg and the strategy disappear.
    await poll(() => problemsOn(page, leg)).toBe(0);
    await expectNoProblems(page);

    await page.getByTestId(`block-${leg}`).click();
    const inspector = page.getByTestId('inspector');
    await inspector.getByLabel('Side', { exact: true }).selectOption({ label: 'SELL' });
    // A bad value shows on the block and in the problems list, and clears once fixed.
    await inspector.getByLabel('Lots', { exact: false }).fill('0');
    await poll(() => problemsOn(page, leg)).toBe(1);
    // Choosing the problem in the list selects its block and puts the caret in the bad field.
    await page.getByTestId(`block-${strike}`).click();
    await page.getByTestId('problems').getByRole('button', { name: /lots/ }).click();
    await inspector.getByRole('heading', { name: new RegExp(`Leg ${leg}`) }).waitFor();
    await poll(() =>
      page.evaluate(() => document.activeElement?.getAttribute('aria-invalid')),
    ).toBe('true');
    expect(
      await page.getByTestId(`block-${leg}`).getByTestId('block-problem').textContent(),
    ).toMatch(/^lots: /);
    await shot(page, '03-leg-lots-error');
    await inspector.getByLabel('Lots', { exact: false }).fill('2');
    await poll(() => problemsOn(page, leg)).toBe(0);

    await page.getByTestId(`block-${strike}`).click();
    await inspector.getByLabel('Strike selector type').selectOption({ label: 'OTM' });
    await inspector.getByLabel(/^Steps/).fill('2');

    await expectNoProblems(page);
    expect(await problemsOn(page, leg)).toBe(0);
    expect(await problemsOn(page, strategy)).toBe(0);
    await savedVersion(page);
    await shot(page, '04-valid-and-saved');

    // Reload: the saved graph comes back intact and still compiles.
    await page.reload();
    await page.getByTestId(`block-${leg}`).waitFor();
    expect(await page.getByTestId('problem-count').textContent()).toBe('0');
    await page.getByTestId(`block-${leg}`).click();
    expect(await inspector.getByLabel('Lots', { exact: false }).inputValue()).toBe('2');
    await page.getByRole('tab', { name: 'Compiled DSL' }).click();
    const shown = JSON.parse((await page.getByTestId('dsl-view').textContent())!);
    expect(shown.basket.strategies[0].legs).toEqual([
      expect.objectContaining({
        id: leg,
        side: 'SELL',
        lots: 2,
        strike: expect.objectContaining({ type: 'otm', steps: 2 }),
      }),
    ]);
    await shot(page, '05-reloaded-compiled-dsl');

    // Export: the DSL file equals the compiled DSL, and the graph file compiles to the same DSL.
    const [dslDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export DSL' }).click(),
    ]);
    const exported = JSON.parse(readFileSync((await dslDownload.path())!, 'utf8'));
    expect(exported).toEqual(shown);
    const [graphDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export graph' }).click(),
    ]);
    const recompiled = compile(JSON.parse(readFileSync((await graphDownload.path())!, 'utf8')));
    expect(recompiled.ok && recompiled.value).toEqual(exported);

    // A named version is an immutable snapshot of this valid graph.
    await page.getByLabel('Version name').fill('first canvas version');
    await page.getByRole('button', { name: 'Save version' }).click();
    await page.getByText('Saved version 1: first canvas version').waitFor();
    await page.close();
  });

  it('works from the keyboard alone: add from the palette, edit and connect in the inspector; copy, paste, auto-layout, undo, redo', async () => {
    const page = await alice.newPage();
    await page.goto(strategyUrl);
    const leg = await blockId(page, 'leg');
    await page.getByRole('tab', { name: 'Blocks' }).click();
    await page.getByLabel('Find a block').focus();
    await page.keyboard.type('stop');
    await page.keyboard.press('Tab');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'palette-stopLoss',
    );
    await page.keyboard.press('Enter');
    const sl = await blockId(page, 'stopLoss');
    const inspector = page.getByTestId('inspector');
    await inspector.getByRole('heading', { name: /Stop-loss/ }).waitFor();

    // Tab into the inspector's first field and fill it without the mouse.
    await inspector.getByLabel('Type', { exact: true }).focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Tab');
    await page.keyboard.type('40');
    expect(await inspector.getByLabel('Value').inputValue()).toBe('40');

    const picker = inspector.getByLabel('Connect out to');
    await picker.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expectNoProblems(page);
    await page.getByRole('tab', { name: 'Compiled DSL' }).click();
    const dsl = JSON.parse((await page.getByTestId('dsl-view').textContent())!);
    expect(dsl.basket.strategies[0].legs[0]).toMatchObject({
      id: leg,
      stopLoss: { type: 'premium', value: 40 },
    });
    await shot(page, '06-keyboard-stop-loss');

    // Copy and paste the stop-loss: a second, unconnected copy appears; undo removes it again.
    await page.getByTestId(`block-${sl}`).click();
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await poll(() => page.locator('[data-block-type="stopLoss"]').count()).toBe(2);
    await poll(() => page.getByTestId('problem-count').textContent()).toBe('1');
    await page.keyboard.press('Control+z');
    await poll(() => page.locator('[data-block-type="stopLoss"]').count()).toBe(1);
    // Auto-layout moves blocks but never changes what the graph compiles to.
    await page.getByRole('tab', { name: 'Compiled DSL' }).click();
    const beforeLayout = await page.getByTestId('dsl-view').textContent();
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await expectNoProblems(page);
    expect(await page.getByTestId('dsl-view').textContent()).toBe(beforeLayout);
    await page.waitForTimeout(500); // let the fit-view animation finish before the screenshot
    await shot(page, '07-auto-layout');

    // Undo takes the connection back; redo restores it.
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+z'); // the layout
    await page.keyboard.press('Control+z'); // the connection
    await poll(async () => Number(await problemsOn(page, sl))).toBeGreaterThan(0);
    await page.keyboard.press('Control+Shift+z');
    await expectNoProblems(page);
    await page.keyboard.press('Control+Shift+z');
    await savedVersion(page);
    await page.close();
  });

  it("a second tab's save is a visible conflict, never a silent overwrite", async () => {
    const tab1 = await alice.newPage();
    const tab2 = await alice.newPage();
    await tab1.goto(strategyUrl);
    await tab2.goto(strategyUrl);
    await tab1.getByTestId('canvas').waitFor();
    await tab2.getByTestId('canvas').waitFor();
    const before = await savedVersion(tab1);

    await tab1.getByLabel('Strategy name').fill('Renamed in tab 1');
    expect(await savedVersion(tab1)).toBe(before + 1);

    await tab2.getByLabel('Strategy name').fill('Renamed in tab 2');
    const conflict = tab2.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/saved elsewhere/);
    await shot(tab2, '08-conflict-in-second-tab');

    await tab1.reload();
    expect(await tab1.getByLabel('Strategy name').inputValue()).toBe('Renamed in tab 1');
    await tab2.getByRole('button', { name: 'Reload latest' }).click();
    await poll(() => tab2.getByLabel('Strategy name').inputValue()).toBe('Renamed in tab 1');
    await tab1.close();
    await tab2.close();
  });

  it('manages strategies from the list: search, duplicate, delete with undo, import with errors per path', async () => {
    const page = await alice.newPage();
    await page.goto(`${base}/strategies`);
    const table = page.getByTestId('strategy-table');
    await table.getByText('Renamed in tab 1').waitFor();
    await page.getByRole('button', { name: 'Duplicate Renamed in tab 1' }).click();
    await table.getByText('Copy of Renamed in tab 1').waitFor();
    await page.getByLabel('Search strategies').fill('copy of');
    await poll(() => table.getByRole('row').count()).toBe(2);
    await page.getByLabel('Search strategies').fill('');

    await page.getByRole('button', { name: 'Delete Copy of Renamed in tab 1' }).click();
    await page.getByText('Deleted “Copy of Renamed in tab 1”.').waitFor();
    await poll(() => table.getByText('Copy of Renamed in tab 1').count()).toBe(0);
    await page.getByRole('button', { name: 'Undo' }).click();
    await table.getByText('Copy of Renamed in tab 1').waitFor();

    const bad = {
      dslVersion: 1,
      basket: { typeVersion: 1, name: 'Broken', capital: -1, strategies: [] },
    };
    await page.getByTestId('import-file').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(bad)),
    });
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toContain('/basket/capital');
    expect(await errors.textContent()).toContain('/basket/strategies');
    await shot(page, '09-import-errors');
    await page.close();
  });

  it("another trader cannot open Alice's strategy", async () => {
    const bob = await signedUpContext(people.bob);
    const page = await bob.newPage();
    await page.goto(strategyUrl);
    await page.getByText(/does not exist or is not yours/).waitFor();
    await shot(page, '10-not-yours');
    await bob.close();
  });
});
