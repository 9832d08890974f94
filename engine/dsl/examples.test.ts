// The shipped examples: each validates, and together they use every block and every option of DSL v1.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_TYPES,
  FACT_NAMES,
  OPERATOR_NAMES,
  REENTRY_TYPES,
  SIZING_METHODS,
  STRIKE_SELECTOR_TYPES,
  UNDERLYING_SYMBOLS,
  factConditions,
  parseDsl,
  type Condition,
  type DslDocument,
} from './index.ts';
import { BLOCK_CHILDREN } from './blocks.ts';

const dir = path.join(import.meta.dirname, 'examples');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

function load(f: string): DslDocument {
  const r = parseDsl(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
  if (!r.ok) throw new Error(`${f}: ${JSON.stringify(r.errors)}`);
  return r.value;
}

describe('examples', () => {
  it('there are at least 10', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s validates', (f) => {
    expect(() => load(f)).not.toThrow();
  });

  it('together they use every block and every option', () => {
    const seen = new Map<string, Set<string>>();
    const add = (k: string, v: unknown) => {
      if (v === undefined) return;
      const set = seen.get(k) ?? new Set<string>();
      set.add(String(v));
      seen.set(k, set);
    };
    // Blocks as written in the files (before defaults), so a default cannot count as "used".
    const walk = (block: Record<string, unknown>, type: (typeof BLOCK_TYPES)[number]) => {
      add('block', type);
      for (const c of BLOCK_CHILDREN[type]) {
        const v = block[c.field];
        if (v === undefined) continue;
        for (const b of c.many ? (v as Record<string, unknown>[]) : [v as Record<string, unknown>])
          walk(b, c.block);
      }
    };
    for (const f of files) {
      const raw = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      walk(raw.basket, 'basket');
      const doc = load(f);
      const b = doc.basket;
      add('maxDailyLoss', b.maxDailyLoss?.type);
      add('maxDrawdownPct', b.maxDrawdownPct !== undefined || undefined);
      add('deployablePct', raw.basket.deployablePct !== undefined || undefined);
      add('trigger', b.execution.trigger);
      add('slippage', b.execution.slippage.type);
      add('costModel', b.execution.costModel.type);
      for (const s of b.strategies) {
        add('underlying', s.underlying);
        add('squareOff', s.squareOff);
        add('daysToExpiry', s.daysToExpiry ? 'yes' : undefined);
        add(
          'weekdays',
          s.entry.weekdays.length === 7
            ? 'all'
            : s.entry.weekdays.length === 5
              ? undefined
              : 'custom',
        );
        add('noReEntryAfter', s.noReEntryAfter ? 'yes' : undefined);
        add('stopMonitoringAfter', s.stopMonitoringAfter ? 'yes' : undefined);
        add('strategyStopLoss', s.stopLoss?.type);
        add('strategyTarget', s.target?.type);
        add('trailToBreakEven', s.trailToBreakEven?.scope);
        add('strategyMomentum', s.momentum && `${s.momentum.type}`);
        add('rangeBreakout', s.rangeBreakout && `${s.rangeBreakout.side}/${s.rangeBreakout.on}`);
        add('sizing', s.sizing.method);
        add(
          'sizingRisk',
          s.sizing.method === 'riskPerTrade'
            ? s.sizing.riskPct !== undefined
              ? 'pct'
              : 'amount'
            : undefined,
        );
        add('regimeMultipliers', s.sizing.regimeMultipliers ? 'yes' : undefined);
        add('maxMultiplier', s.sizing.maxMultiplier ? 'yes' : undefined);
        for (const k of ['band', 'intervalMinutes', 'maxLots', 'costLimitPct'] as const)
          add('deltaHedge', s.deltaHedge?.[k] !== undefined ? k : undefined);
        add('strategyReEntry', s.reEntryOnStopLoss && `sl/${s.reEntryOnStopLoss.type}`);
        add('strategyReEntry', s.reEntryOnTarget && `target/${s.reEntryOnTarget.type}`);
        for (const group of ['filters', 'entry', 'exit'] as const) {
          for (const r of s.conditions?.[group] ?? []) {
            add('ruleGroup', group);
            for (const c of factConditions(r.conditions as Condition)) {
              add('fact', c.fact);
              add('operator', c.operator);
              const v = c.value as { fact?: string } | null;
              if (v && typeof v === 'object' && !Array.isArray(v) && v.fact) add('fact', v.fact);
            }
          }
        }
        for (const l of s.legs) {
          add('contract', l.instrument === 'future' ? 'FUT' : (l.right ?? '?'));
          add('side', l.side);
          add('expiry', l.expiry.kind);
          add('expiryOffset', l.expiry.offset > 0 ? 'later' : 'nearest');
          add('strike', l.strike?.type);
          add('atmFrom', l.strike && 'atmFrom' in l.strike ? l.strike.atmFrom : undefined);
          add('stopLoss', l.stopLoss?.type);
          add('target', l.target?.type);
          add('trailing', l.trailingStop?.unit);
          add('reEntry', l.reEntryOnStopLoss?.type);
          add('reEntry', l.reEntryOnTarget?.type);
          add('reEntryOn', l.reEntryOnStopLoss && 'stopLoss');
          add('reEntryOn', l.reEntryOnTarget && 'target');
          add('momentum', l.momentum?.type);
          add('direction', l.momentum?.direction);
          add('direction', s.momentum?.direction);
          add('lazy', l.lazy);
          add('hedge', l.hedge);
        }
      }
    }
    const expectAll = (k: string, values: readonly unknown[]) =>
      expect([...(seen.get(k) ?? [])].sort(), k).toEqual(values.map(String).sort());
    expectAll('block', BLOCK_TYPES);
    expectAll('strike', STRIKE_SELECTOR_TYPES);
    expectAll('atmFrom', ['spot', 'futures', 'syntheticFuture']);
    const levels = ['points', 'pct', 'underlyingPoints', 'underlyingPct', 'premium'];
    expectAll('stopLoss', levels);
    expectAll('target', levels);
    expectAll('trailing', ['points', 'pct']);
    expectAll('reEntry', REENTRY_TYPES);
    expectAll('reEntryOn', ['stopLoss', 'target']);
    expectAll('momentum', ['points', 'pct', 'underlyingPoints', 'underlyingPct']);
    expectAll('direction', ['up', 'down']);
    expectAll('rangeBreakout', ['high/underlying', 'low/strike']);
    expectAll('strategyStopLoss', ['mtm', 'premiumPct']);
    expectAll('strategyTarget', ['mtm', 'premiumPct']);
    expectAll('trailToBreakEven', ['allLegs', 'slLegs']);
    expectAll('squareOff', ['partial', 'complete']);
    expectAll('sizing', SIZING_METHODS);
    expectAll('sizingRisk', ['pct', 'amount']);
    expectAll('strategyReEntry', ['sl/momentum', 'target/asap']);
    expectAll('deltaHedge', ['band', 'intervalMinutes', 'maxLots', 'costLimitPct']);
    expectAll('fact', FACT_NAMES);
    expectAll('operator', OPERATOR_NAMES);
    expectAll('ruleGroup', ['filters', 'entry', 'exit']);
    expectAll('contract', ['CE', 'PE', 'FUT']);
    expectAll('side', ['BUY', 'SELL']);
    expectAll('expiry', ['weekly', 'monthly']);
    expectAll('expiryOffset', ['nearest', 'later']);
    expectAll('lazy', [true, false]);
    expectAll('hedge', [true, false]);
    expectAll('maxDailyLoss', ['amount', 'pct']);
    expectAll('trigger', ['ltp', 'candleClose']);
    expectAll('slippage', ['points', 'pct']);
    // `none` is the default; each example charges its market's costs (or a broker's own fixed schedule).
    expectAll('costModel', ['fixed', 'india-index-options', 'us-options', 'deribit-options']);
    for (const k of [
      'maxDrawdownPct',
      'deployablePct',
      'daysToExpiry',
      'noReEntryAfter',
      'stopMonitoringAfter',
      'regimeMultipliers',
      'maxMultiplier',
    ])
      expect(seen.has(k), k).toBe(true);
    expectAll('weekdays', ['all', 'custom']);
    expect([...(seen.get('underlying') ?? [])].length).toBeGreaterThanOrEqual(8);
    expect(UNDERLYING_SYMBOLS.length).toBe(10);
  });
});
