// A mistyped flag is an error for every command, never silently ignored: `--slippage-tick 2`
// used to run a backtest with no slippage and no word.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from './_args';

const root = path.resolve(import.meta.dirname, '../..');
const commands = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3));

describe('command-line flags', () => {
  it('backtest --slippage-tick stops with the flag named and the one meant', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'scripts/cli.ts'),
        'backtest',
        'strategy.json',
        '--ticks',
        'day.ndjson',
        '--slippage-tick',
        '2',
      ],
      { cwd: root, encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('backtest: unknown flag --slippage-tick');
    expect(r.stderr).toContain('did you mean --slippage-ticks?');
    expect(r.stderr).toContain('usage: npm run -s cli -- backtest');
  });

  it.each(commands)('%s refuses a flag it does not take', async (name) => {
    const mod = (await import(
      pathToFileURL(path.join(import.meta.dirname, `${name}.ts`)).href
    )) as {
      run: (args: string[]) => Promise<number>;
    };
    await expect(mod.run(['--no-such-flag', '1'])).rejects.toThrow(UsageError);
  });

  it('keeps negative numbers as values, and says when a value or a switch is misused', () => {
    expect(parseArgs(['--rate', '-0.01', '-'], { rate: 'string' })).toEqual({
      positionals: ['-'],
      flags: { rate: '-0.01' },
    });
    expect(() => parseArgs(['--ticks'], { ticks: 'string' })).toThrow(/--ticks needs a value/);
    expect(() => parseArgs(['--pretty=yes'], { pretty: 'boolean' })).toThrow(
      /--pretty is a switch/,
    );
  });
});
