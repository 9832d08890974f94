/**
 * Runs after `npm install`: builds the web app once, so the first `npm start` serves pages in
 * seconds instead of building first. Never fails the install: when the build cannot be made now,
 * `npm start` builds (and reports why) later. STRIKEFLOW_SKIP_BUILD=1 skips it.
 */
import path from 'node:path';
import { buildNeeded, runNextBuild } from './next-build';

const root = path.resolve(import.meta.dirname, '..');

async function main(): Promise<void> {
  if (process.env.STRIKEFLOW_SKIP_BUILD === '1') return;
  const why = buildNeeded(root);
  if (!why) return;
  console.log(`Strikeflow: building the web app for npm start (${why})...`);
  const t = Date.now();
  try {
    await runNextBuild(root);
    console.log(`Strikeflow: built in ${((Date.now() - t) / 1000).toFixed(0)} s.`);
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    console.log(`Strikeflow: the web app will be built by npm start instead (${first}).`);
  }
}

void main();
