/**
 * `npm test`: unit + integration tests (vitest), then the end-to-end suite and the fault suite
 * against the built app, ending with one line `tests: N passed, N failed, N skipped` that CI and
 * people can read.
 * Needs redis-server (installed here when missing and allowed) unless REDIS_URL is set.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildNeeded, runNextBuild } from './next-build';
import { RedisMissingError, ensureRedisServer } from './redis-install';
import type { UnhandledError } from './unhandled-errors-reporter';

const root = path.resolve(import.meta.dirname, '..');
type Totals = { passed: number; failed: number; skipped: number };
/** A failed test or file, repeated at the end: CI keeps only the tail of a long log. */
type Failure = { suite: string; name: string; message: string };

type JsonReport = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
};

/** The first lines of a failure, without colour codes, short enough to read in a CI tail. */
function firstLines(text: string, lines = 6): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').slice(0, lines).join('\n').slice(0, 1500);
}

function failuresOf(r: JsonReport, suite: string): Failure[] {
  const out: Failure[] = [];
  for (const file of r.testResults ?? []) {
    const rel = path.relative(root, file.name);
    const failedTests = (file.assertionResults ?? []).filter((a) => a.status === 'failed');
    for (const a of failedTests) {
      out.push({
        suite,
        name: `${rel} > ${a.fullName}`,
        message: firstLines(a.failureMessages?.join('\n') ?? ''),
      });
    }
    if (failedTests.length === 0 && file.status === 'failed') {
      out.push({ suite, name: rel, message: firstLines(file.message ?? 'the file failed to run') });
    }
  }
  return out;
}

function vitest(
  args: string[],
  reportFile: string,
  suite: string,
): Promise<{ code: number; totals: Totals; failures: Failure[] }> {
  const unhandledFile = reportFile.replace(/\.json$/, '.unhandled.json');
  return new Promise((resolve, reject) => {
    const bin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const child = spawn(
      process.execPath,
      [
        bin,
        'run',
        ...args,
        '--reporter=default',
        '--reporter=json',
        `--reporter=${path.join(root, 'scripts', 'unhandled-errors-reporter.ts')}`,
        `--outputFile.json=${reportFile}`,
      ],
      {
        cwd: root,
        stdio: 'inherit',
        env: { ...process.env, STRIKEFLOW_UNHANDLED_FILE: unhandledFile },
      },
    );
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const exit = code ?? (signal ? 1 : 0);
      if (!existsSync(reportFile)) {
        resolve({
          code: exit || 1,
          totals: { passed: 0, failed: 1, skipped: 0 },
          failures: [
            {
              suite,
              name: '(no report)',
              message: `vitest exited with ${exit} before writing its report`,
            },
          ],
        });
        return;
      }
      const r = JSON.parse(readFileSync(reportFile, 'utf8')) as JsonReport;
      let failed = r.numFailedTests;
      // A file that cannot even load fails no single test, but it is a failure all the same.
      if (exit !== 0 && failed === 0) failed = Math.max(1, r.numFailedTestSuites);
      const failures = failuresOf(r, suite);
      // An error thrown outside any test fails the run with every test passed: name it too.
      for (const e of unhandledOf(unhandledFile)) {
        failures.push({
          suite,
          name: `unhandled error (${e.origin})`,
          message: firstLines(e.message, 10),
        });
      }
      if (exit !== 0 && failures.length === 0) {
        failures.push({
          suite,
          name: '(vitest)',
          message: `vitest exited with ${exit} with no failed test named: see its output above`,
        });
      }
      resolve({
        code: exit,
        totals: { passed: r.numPassedTests, failed, skipped: r.numPendingTests + r.numTodoTests },
        failures,
      });
    });
  });
}

function unhandledOf(file: string): UnhandledError[] {
  if (!existsSync(file)) return [];
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as UnhandledError[];
  } catch {
    return [{ origin: 'unknown', message: `${file} did not read as JSON` }];
  }
}

async function main(): Promise<number> {
  process.chdir(root);
  if (!process.env.REDIS_URL) {
    try {
      ensureRedisServer();
    } catch (err) {
      if (err instanceof RedisMissingError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    }
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-test-report-'));
  const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
  const failures: Failure[] = [];
  const add = (t: Totals, f: Failure[]) => {
    failures.push(...f);
    totals.passed += t.passed;
    totals.failed += t.failed;
    totals.skipped += t.skipped;
  };
  let failedRun = false;
  try {
    const db = process.env.DATABASE_URL ? 'Postgres (DATABASE_URL)' : 'embedded PGlite';
    console.log(`\n== unit and integration tests on ${db} ==`);
    const unit = await vitest([], path.join(tmp, 'unit.json'), 'unit');
    add(unit.totals, unit.failures);
    failedRun ||= unit.code !== 0;

    if (existsSync(path.join(root, 'vitest.e2e.config.ts'))) {
      const why = buildNeeded(root);
      if (why) {
        console.log(`\n== building the app for the end-to-end tests (${why}) ==`);
        await runNextBuild(root);
      }
      console.log(`\n== end-to-end tests on ${db} ==`);
      const e2e = await vitest(['-c', 'vitest.e2e.config.ts'], path.join(tmp, 'e2e.json'), 'e2e');
      add(e2e.totals, e2e.failures);
      failedRun ||= e2e.code !== 0;
      if (existsSync(path.join(root, 'vitest.faults.config.ts'))) {
        console.log(
          `\n== fault suite on ${db} (kills, floods and bad input against the built app) ==`,
        );
        const faults = await vitest(
          ['-c', 'vitest.faults.config.ts'],
          path.join(tmp, 'faults.json'),
          'faults',
        );
        add(faults.totals, faults.failures);
        failedRun ||= faults.code !== 0;
      }
    } else {
      console.log('\n(no end-to-end suite: vitest.e2e.config.ts is missing)');
    }
  } catch (err) {
    console.error((err as Error).message);
    totals.failed += 1;
    failedRun = true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.log(`\n== ${failures.length} failed (repeated here so a log's tail names them) ==`);
    for (const f of failures)
      console.log(`✗ [${f.suite}] ${f.name}\n${f.message.replace(/^/gm, '    ')}`);
  }
  console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return failedRun || totals.failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error((err as Error)?.stack ?? err);
    console.log('tests: 0 passed, 1 failed, 0 skipped');
    process.exit(1);
  },
);
