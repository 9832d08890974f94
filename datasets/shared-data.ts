/** Where the real third-party data sets live (never copied into the repo): env first, then beside the checkout. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function sharedDataDir(): string | undefined {
  // Inside the Next production bundle import.meta.dirname is undefined; the app runs from the checkout.
  const root = import.meta.dirname ? path.resolve(import.meta.dirname, '..') : process.cwd();
  const candidates = [
    process.env.STRIKEFLOW_SHARED_DATA,
    path.resolve(root, '../shared/data'),
    path.resolve(root, '../../shared/data'),
  ];
  return candidates.find((c): c is string => !!c && existsSync(c));
}
