// Where the real datasets are: one setting, relative to the project root (never to the module's
// own location, which the Next production bundle does not have), checked when given.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SharedDataSettingError,
  listSharedDatasets,
  resolveSharedDataset,
  sharedDataSetting,
} from './shared-data';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'strikeflow-shared-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('the datasets folder', () => {
  it('defaults to ../shared/data beside the project root the launcher names', () => {
    const project = path.join(tmp, 'work', 'app');
    mkdirSync(path.join(tmp, 'work', 'shared', 'data'), { recursive: true });
    expect(sharedDataSetting({ STRIKEFLOW_ROOT: project })).toEqual({
      dir: path.join(tmp, 'work', 'shared', 'data'),
      configured: false,
      present: true,
    });
    // Without it, an absent default is no error: the pickers offer the simulator.
    expect(sharedDataSetting({ STRIKEFLOW_ROOT: path.join(tmp, 'elsewhere', 'app') }).present).toBe(
      false,
    );
  });

  it('takes STRIKEFLOW_DATA_DIR relative to the root, and refuses one that names no folder', () => {
    mkdirSync(path.join(tmp, 'chains', 'nse'), { recursive: true });
    writeFileSync(path.join(tmp, 'chains', 'nse', 'day.ndjson'), '{}\n');
    writeFileSync(path.join(tmp, 'chains', 'nse', 'day2.csv.gz'), '');
    writeFileSync(path.join(tmp, 'chains', 'nse', 'SOURCE.txt'), 'where it came from');
    const s = sharedDataSetting({ STRIKEFLOW_ROOT: tmp, STRIKEFLOW_DATA_DIR: 'chains' });
    expect(s).toEqual({ dir: path.join(tmp, 'chains'), configured: true, present: true });
    expect(listSharedDatasets(s.dir)).toEqual([
      { id: 'nse', label: 'nse (all 2 files)', files: 2, bytes: 3 },
      { id: 'nse/day.ndjson', label: 'nse/day.ndjson', files: 1, bytes: 3 },
      { id: 'nse/day2.csv.gz', label: 'nse/day2.csv.gz', files: 1, bytes: 0 },
    ]);
    expect(resolveSharedDataset('nse/day.ndjson', s.dir)).toBe(
      path.join(s.dir, 'nse', 'day.ndjson'),
    );
    for (const escape of ['../secrets', '/etc/passwd', 'nse/../../x', 'nse/missing.csv'])
      expect(resolveSharedDataset(escape, s.dir)).toBeNull();
    expect(() =>
      sharedDataSetting({ STRIKEFLOW_ROOT: tmp, STRIKEFLOW_DATA_DIR: 'missing' }),
    ).toThrow(SharedDataSettingError);
    expect(() =>
      sharedDataSetting({ STRIKEFLOW_ROOT: tmp, STRIKEFLOW_DATA_DIR: 'missing' }),
    ).toThrow(/^Invalid environment variable STRIKEFLOW_DATA_DIR: .*missing is not a folder/);
  });
});
