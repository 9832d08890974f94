/** The one way the e2e suites drive Chromium and the app's sign-up and sign-in forms, so a change to either is made once. */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { expect } from 'vitest';

const require = createRequire(import.meta.url);

/** The house flags for Debian's Chromium (STACK.md): no sandbox, no GPU, no network side traffic. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
}

/** A page in its own browser context, so each person (and each test) has its own cookies. */
export async function newPage(browser: Browser, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  return context.newPage();
}

/** Saves screenshots as tests/artifacts/<folder>/<name>.png (the folder is made now). */
export function screenshots(folder: string, opts: { fullPage: boolean }) {
  const dir = path.resolve(import.meta.dirname, '..', 'artifacts', folder);
  mkdirSync(dir, { recursive: true });
  return async (page: Page, name: string) => {
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: opts.fullPage });
  };
}

export type Person = { name: string; email: string; password: string };

export async function fillAuthForm(
  page: Page,
  fields: { name?: string; email: string; password: string },
) {
  if (fields.name !== undefined) await page.getByLabel('Name').fill(fields.name);
  await page.getByLabel('Email').fill(fields.email);
  await page.getByLabel('Password').fill(fields.password);
}

/** Creates the account through the sign-up form and waits for the Strategies page. */
export async function signUp(page: Page, base: string, who: Person) {
  await page.goto(`${base}/sign-up`);
  await fillAuthForm(page, who);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/strategies$/);
}

/** Submits the sign-in form; the caller checks where it lands (a wrong password stays put). */
export async function submitSignIn(
  page: Page,
  base: string,
  who: { email: string; password: string },
) {
  await page.goto(`${base}/sign-in`);
  // Only these two: a Person also has a name, and the sign-in form has no Name field.
  await fillAuthForm(page, { email: who.email, password: who.password });
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in and waits for the Strategies page. */
export async function signIn(page: Page, base: string, who: { email: string; password: string }) {
  await submitSignIn(page, base, who);
  await page.waitForURL(/\/strategies$/);
}

/** axe-core in the page: serious and critical violations, each with what fails and where. */
export async function accessibility(page: Page, what: string) {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            c: unknown,
            o: unknown,
          ) => Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: string[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} at ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
  console.log(`axe on ${what}: ${violations.length} serious or critical violations`);
  for (const v of violations) console.log(`  ${v}`);
  expect(violations, what).toEqual([]);
}
