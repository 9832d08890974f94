/**
 * A vitest reporter that writes the run's unhandled errors to the file named by
 * STRIKEFLOW_UNHANDLED_FILE. vitest fails a run on an error thrown outside any test (a rejected
 * promise nobody awaited, an error in a timer), but its JSON report has no place for one, so a run
 * could fail with every test passed and nothing at the log's tail to say why. `npm test` reads
 * this file and names each such error with the failures it repeats at the end.
 */
import { writeFileSync } from 'node:fs';
import type { Reporter, SerializedError } from 'vitest/node';

export type UnhandledError = { message: string; origin: string };

function originOf(e: SerializedError): string {
  // vitest stamps an error it can tie to a test with that test's file and name.
  const where = e as SerializedError & { VITEST_TEST_PATH?: string; VITEST_TEST_NAME?: string };
  const parts = [where.VITEST_TEST_PATH, where.VITEST_TEST_NAME].filter(Boolean);
  return parts.length > 0 ? parts.join(' > ') : 'outside any test';
}

export default class UnhandledErrorsReporter implements Reporter {
  onTestRunEnd(_modules: unknown, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const file = process.env.STRIKEFLOW_UNHANDLED_FILE;
    if (!file) return;
    const errors: UnhandledError[] = unhandledErrors.map((e) => ({
      // A stack starts with the error's name and message; an error without one has only those.
      message: e.stack || `${e.name ?? 'Error'}: ${e.message}`,
      origin: originOf(e),
    }));
    writeFileSync(file, JSON.stringify(errors));
  }
}
