/** `backtest <strategy.json> --ticks <file|dir>`: DESIGN.md's backtest report on stdout. */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from './_args';
import { parseDslText } from '@/engine/dsl';
import { backtestDocument } from '@/engine/backtest/basket';
import { BacktestOverridesSchema, type BacktestOverridesInput } from '@/engine/backtest/settings';
import { readSnapshots } from '@/datasets/read-snapshots';
import { assertSomeSnapshots, importSummary } from '@/datasets/source';

export const summary =
  'backtest <strategy.json> --ticks <file.ndjson|file.csv|dir> [--costs ID] [--slippage-ticks N|--slippage-points N|--slippage-pct N] [--latency next-snapshot] [--max-lots N] [--max-open-legs N] [--pretty]';

const FLAGS = {
  ticks: 'string',
  costs: 'string',
  'slippage-ticks': 'string',
  'slippage-points': 'string',
  'slippage-pct': 'string',
  latency: 'string',
  'max-lots': 'string',
  'max-open-legs': 'string',
  pretty: 'boolean',
} as const;

function usage(msg: string): number {
  console.error(`backtest: ${msg}`);
  console.error(`usage: npm run -s cli -- ${summary}`);
  return 1;
}

function num(flags: Record<string, string | true>, name: string): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v === true || !Number.isFinite(n))
    throw new Error(`--${name} needs a number, got ${v === true ? 'nothing' : `"${v}"`}`);
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { positionals, flags } = parseArgs(args, FLAGS);
  const [strategyFile] = positionals;
  if (!strategyFile) return usage('name the strategy file');
  if (typeof flags.ticks !== 'string') return usage('--ticks <file|dir> is required');
  if (!existsSync(strategyFile)) return usage(`strategy file "${strategyFile}" does not exist`);
  if (!existsSync(flags.ticks)) return usage(`--ticks "${flags.ticks}" does not exist`);

  const parsed = parseDslText(readFileSync(strategyFile, 'utf8'));
  if (!parsed.ok) {
    console.error(
      `backtest: ${strategyFile} is not a valid strategy (${parsed.errors.length} error${parsed.errors.length === 1 ? '' : 's'}):`,
    );
    for (const e of parsed.errors)
      console.error(JSON.stringify({ path: e.path, message: e.message }));
    return 1;
  }

  let overrides: BacktestOverridesInput;
  try {
    const slip =
      flags['slippage-ticks'] !== undefined
        ? { kind: 'ticks' as const, ticks: num(flags, 'slippage-ticks')! }
        : flags['slippage-points'] !== undefined
          ? { kind: 'points' as const, points: num(flags, 'slippage-points')! }
          : flags['slippage-pct'] !== undefined
            ? { kind: 'percent' as const, percent: num(flags, 'slippage-pct')! }
            : undefined;
    const r = BacktestOverridesSchema.safeParse({
      costModel: typeof flags.costs === 'string' ? flags.costs : undefined,
      slippage: slip,
      latency: typeof flags.latency === 'string' ? flags.latency : undefined,
      riskLimits: {
        maxLotsPerOrder: num(flags, 'max-lots'),
        maxOpenLegs: num(flags, 'max-open-legs'),
      },
    });
    if (!r.success)
      return usage(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    overrides = r.data;
  } catch (err) {
    return usage(err instanceof Error ? err.message : String(err));
  }

  try {
    const stream = readSnapshots(flags.ticks);
    const report = await backtestDocument(parsed.value, stream, { overrides });
    assertSomeSnapshots(report, stream.report, `--ticks ${flags.ticks}`);
    report.data.import = importSummary(stream.report);
    if (stream.report.badRows > 0) {
      const first = stream.report.samples[0];
      console.error(
        `backtest: skipped ${stream.report.badRows} bad row(s) in ${flags.ticks}; the first at line ${first.line}: ${first.message} (all in report.data.import)`,
      );
    }
    process.stdout.write(JSON.stringify(report, null, flags.pretty ? 2 : undefined) + '\n');
    return 0;
  } catch (err) {
    console.error(`backtest: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}
