/**
 * Paper deployments in Chromium against the built app: deploy an example template on paper (a
 * simulated session on its own clock), watch its P&L move as the simulated market ticks, square
 * off one leg, kill the rest, find every action in its audit; the alerts under the bell and on a
 * Telegram bot (a local fake of the Bot API); the header's kill switch. Screenshots go to
 * tests/artifacts/e2e, and axe finds no serious or critical violation on these pages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramFake, type TelegramFake } from '@/tests/fakes/telegram';
import { SuiteApp } from './app-process';
import { accessibility, launchChromium, newPage, screenshots, signUp } from './browser';

const shot = screenshots('e2e', { fullPage: true });
const artifacts = path.resolve(import.meta.dirname, '..', 'artifacts', 'e2e');
mkdirSync(artifacts, { recursive: true });

type DeploymentView = {
  positions: { status: string }[];
  orders: { id: string; reason: string }[];
  fills: { orderId: string; createdAt: string }[];
};

/** A deployment as the API gives it to its owner (the page's session cookie). */
async function deploymentView(page: Page, id: string): Promise<DeploymentView> {
  const input = encodeURIComponent(JSON.stringify({ json: { id } }));
  const r = await page.request.get(`${suite.base}/api/trpc/deployments.get?input=${input}`);
  expect(r.ok()).toBe(true);
  return ((await r.json()) as { result: { data: { json: DeploymentView } } }).result.data.json;
}
const suite = new SuiteApp();
let browser: Browser;
let telegram: TelegramFake;
const TOKEN = '555000111:AAEdeploymentsE2eBotToken_0123456789';
const CHAT = '777001';
const EXAMPLE = 'NIFTY short straddle, 25% SL, re-cost';

beforeAll(async () => {
  telegram = await startTelegramFake({ token: TOKEN, chats: [CHAT] });
  const saved = { ...process.env };
  Object.assign(process.env, { TELEGRAM_API_URL: telegram.url }); // the app inherits it
  try {
    await suite.start();
  } finally {
    process.env = saved;
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  expect(await suite.dispose()).toBe(0);
  await telegram?.close();
});

/** Opens the example template and deploys it on paper on a simulated session at 60×. */
async function deployExample(page: Page, name: string) {
  await page.goto(`${suite.base}/templates`);
  await page.getByLabel('Search').fill('straddle');
  await page.getByTestId('template-card').filter({ hasText: EXAMPLE }).click();
  await page.waitForURL(/\/templates\/[0-9a-f-]{36}$/);
  await page.getByRole('button', { name: 'Deploy on paper' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy on paper' });
  await dialog.getByLabel(/Simulated session starting now/).check();
  await dialog.getByLabel('Clock speed').selectOption('60');
  await dialog.getByLabel('Max lots per order').fill('10');
  await dialog.getByLabel(/^Name/).fill(name);
  return dialog;
}

describe('paper deployments', () => {
  it('deploys an example on paper, streams its P&L, squares off a leg, kills the rest, audits it all, alerts on Telegram', async () => {
    const page = await newPage(browser, { viewport: { width: 1440, height: 1000 } });
    const stamp = Date.now().toString(36);
    await signUp(page, suite.base, { name: 'Paper Trader', email: `paper.${stamp}@example.test`, password: 'paper-first-0920' }); // prettier-ignore

    // A Telegram channel first, so the deployment's alerts reach the (fake) bot.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click(); // prettier-ignore
    await page.waitForURL(/\/settings\/alerts$/);
    await page.getByText('No alert channel').waitFor();
    const form = page.getByRole('form', { name: 'Add an alert channel' });
    await form.getByLabel('Label').fill('My phone');
    await form.getByLabel('Bot token').fill(TOKEN);
    await form.getByLabel('Chat id').fill(CHAT);
    await form.getByRole('button', { name: 'Add channel' }).click();
    const channel = page.getByTestId('alert-channel').filter({ hasText: 'My phone' });
    await channel.waitFor();
    await page.getByRole('button', { name: 'Send a test alert' }).click();
    await channel.locator('[data-testid="delivery-row"][data-status="sent"]').waitFor({ timeout: 45_000 }); // prettier-ignore
    expect(telegram.messages.some((m) => m.chatId === CHAT && m.text.startsWith('Test alert'))).toBe(true); // prettier-ignore
    expect(await page.content()).not.toContain(TOKEN);
    await accessibility(page, 'the alert settings');
    await shot(page, 'deployments-01-alert-settings');

    const dialog = await deployExample(page, `Straddle ${stamp}`);
    await shot(page, 'deployments-02-deploy-dialog');
    await accessibility(page, 'the deploy dialog');
    await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
    const view = page.getByTestId('deployment-page');
    await view.waitFor();
    expect(await page.getByTestId('mode-badge').first().textContent()).toBe('paper');
    await page.getByText('simulated session', { exact: true }).first().waitFor();

    // Both legs enter at 09:20 of the simulated session (5 s of real time at 60×).
    const open = page.locator('[data-testid="position-row"][data-status="OPEN"]');
    await expect.poll(() => open.count(), { timeout: 60_000 }).toBe(2);
    const ltp = await open.first().getByTestId('position-ltp').textContent();
    expect(Number(ltp?.replaceAll(',', ''))).toBeGreaterThan(0);
    // The P&L moves as the simulated market ticks.
    const pnl = page.getByTestId('pnl-last');
    const points = async () => Number(await pnl.getAttribute('data-points'));
    const seen = new Set<string>();
    await expect
      .poll(async () => (seen.add((await pnl.textContent()) ?? ''), seen.size), { timeout: 60_000 })
      .toBeGreaterThanOrEqual(3);
    expect(await points()).toBeGreaterThan(3);
    await page.locator('[data-testid="event-trace"] [data-type="ENTRY"]').first().waitFor();
    await shot(page, 'deployments-03-running');
    await accessibility(page, 'the deployment page');

    // Square off one leg (whichever is open now: a 25 % stop may have closed the other already).
    const first = open.first();
    const leg = (await first.getAttribute('data-leg'))!;
    await first.getByRole('button', { name: /^Square off/ }).click();
    await page.locator(`[data-testid="order-row"][data-reason="SQUARE_OFF"][data-leg="${leg}"]`).first().waitFor({ timeout: 30_000 }); // prettier-ignore
    await page.locator(`[data-testid="position-row"][data-leg="${leg}"][data-status="CLOSED"]`).first().waitFor({ timeout: 30_000 }); // prettier-ignore
    await shot(page, 'deployments-04-leg-squared-off');

    // Kill the rest, after the confirmation.
    await page.getByTestId('deployment-controls').getByRole('button', { name: 'Kill' }).click();
    const confirm = page.getByRole('alertdialog', { name: /^Kill "Straddle/ });
    await confirm.waitFor();
    await shot(page, 'deployments-05-kill-confirmation');
    await confirm.getByRole('button', { name: 'Kill deployment' }).click();
    await page.locator('[data-testid="deployment-page"][data-status="killed"]').waitFor({ timeout: 30_000 }); // prettier-ignore
    await expect.poll(() => open.count(), { timeout: 30_000 }).toBe(0);

    // Every action is in the audit.
    const audit = page.getByTestId('audit-row');
    await expect
      .poll(
        async () =>
          (await audit.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-action'))))
            .reverse()
            .join(','),
        { timeout: 20_000 },
      ) // prettier-ignore
      .toBe('deploy,square_off,kill');
    expect(await audit.filter({ hasText: 'Squared off' }).textContent()).toContain(`leg ${leg}`);
    await shot(page, 'deployments-06-killed-audit');

    // The bell has the entries and the kill; so does the Telegram bot, one message each.
    const bell = page.getByTestId('notification-bell');
    await expect.poll(async () => Number(await bell.getAttribute('data-unread')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3); // prettier-ignore
    await bell.click();
    const list = page.getByTestId('notification-list');
    await list.locator('[data-kind="kill"]').first().waitFor();
    await list.locator('[data-kind="entry"]').first().waitFor();
    await shot(page, 'deployments-07-notifications');
    await accessibility(page, 'the notifications');
    await expect.poll(() => telegram.messages.filter((m) => m.text.startsWith('Kill · Straddle')).length, { timeout: 20_000 }).toBe(1); // prettier-ignore
    const texts = telegram.messages.map((m) => m.text);
    expect(new Set(texts).size).toBe(texts.length); // never the same alert twice
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(async () => Number(await bell.getAttribute('data-unread'))).toBe(0);
    await page.keyboard.press('Escape');

    // The list shows it killed, on paper.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deployments' }).click(); // prettier-ignore
    await page.waitForURL(/\/deployments$/);
    const row = page.getByTestId('deployment-row').filter({ hasText: `Straddle ${stamp}` });
    await row.getByText('killed').waitFor();
    expect(await row.getByTestId('mode-badge').textContent()).toBe('paper');
    await accessibility(page, 'the deployments list');
    await shot(page, 'deployments-08-list');
    await page.close();
  });

  it("the header's kill switch stops every running deployment and says how many", async () => {
    const page = await newPage(browser, { viewport: { width: 1440, height: 900 } });
    const stamp = Date.now().toString(36);
    await signUp(page, suite.base, { name: 'Switch Trader', email: `switch.${stamp}@example.test`, password: 'kill-switch-1515' }); // prettier-ignore
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const dialog = await deployExample(page, `Switch ${n} ${stamp}`);
      await dialog.getByRole('button', { name: 'Deploy', exact: true }).click();
      await page.waitForURL(/\/deployments\/[0-9a-f-]{36}$/);
      await page.getByTestId('deployment-page').waitFor();
      ids.push(page.url().split('/').pop()!);
    }
    // Both hold positions before the kill, so the kill has orders to send to the paper venue.
    for (const id of ids)
      await expect.poll(async () => (await deploymentView(page, id)).positions.filter((p) => p.status === 'OPEN').length, { timeout: 60_000 }).toBeGreaterThan(0); // prettier-ignore
    await page.goto(`${suite.base}/deployments`);
    await expect.poll(() => page.getByTestId('deployment-row').filter({ hasText: 'running' }).count()).toBe(2); // prettier-ignore
    await page.getByRole('button', { name: 'Kill switch' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Kill every deployment?' });
    await shot(page, 'deployments-09-kill-switch-confirmation');
    // Cancel keeps everything running.
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await page.getByTestId('deployment-row').filter({ hasText: 'running' }).count()).toBe(2);
    await page.getByRole('button', { name: 'Kill switch' }).click();
    const clicked = Date.now();
    await confirm.getByRole('button', { name: 'Kill all deployments' }).click();
    await page.getByTestId('kill-switch-result').getByText('Killed 2 deployments.').waitFor();
    // The kills are applied by the workers, ahead of any backlog of ticks, and the list hears it.
    await expect.poll(() => page.getByTestId('deployment-row').filter({ hasText: 'killed' }).count(), { timeout: 10_000, interval: 200 }).toBe(2); // prettier-ignore
    const shown = Date.now() - clicked;
    // Kill clicked -> the KILL orders filled at the paper venue (its fills are written when it answers).
    const killFills = async () => {
      const times: number[] = [];
      for (const id of ids) {
        const v = await deploymentView(page, id);
        const kills = new Set(v.orders.filter((o) => o.reason === 'KILL').map((o) => o.id));
        const at = v.fills.filter((f) => kills.has(f.orderId)).map((f) => Date.parse(f.createdAt));
        if (at.length) times.push(Math.max(...at));
      }
      return times;
    };
    await expect.poll(async () => (await killFills()).length, { timeout: 10_000 }).toBe(2);
    const venue = Math.max(...(await killFills())) - clicked;
    writeFileSync(path.join(artifacts, 'kill-switch-latency.json'), JSON.stringify({ killClickedToVenueMs: venue, killClickedToListShowsKilledMs: shown }, null, 2)); // prettier-ignore
    console.log(
      `kill switch: clicked -> paper venue ${venue} ms, -> list shows killed ${shown} ms`,
    );
    expect(venue).toBeLessThan(5_000);
    await shot(page, 'deployments-10-kill-switch-done');
    await page.close();
  });
});
