// The delta hedge on the real NIFTY day (2026-08-18, 1-minute chains from ../shared/data): the
// hedged example against the same strategy without its hedge, figures pinned; the hedged net delta
// recomputed after every hedge fill by the risk desk's own book (engine/analysis), which must sit
// inside the band; and the stored state of a hedged 4-leg strategy within 4 KB at every step.
import { termsOf } from '../market/snapshot.ts';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bookFromPositions, type RiskPosition } from '@/engine/analysis/book';
import { bookGreeks } from '@/engine/analysis/scenario';
import { readSnapshots } from '@/datasets/read-snapshots';
import { sharedDataDir } from '@/datasets/shared-data';
import { PaperBroker } from '../broker/paper/paper-broker.ts';
import { parseDsl, type DslDocument } from '../dsl/index.ts';
import { futuresPrice } from '../market/atm.ts';
import { createRuntime } from '../runtime/runtime.ts';
import { decodeState, encodeState } from '../runtime/state-codec.ts';
import type { ChainSnapshot, RuntimeState } from '../runtime/types.ts';
import { Session } from '../session/driver.ts';
import { backtestDocument } from './basket.ts';
import { backtestSettingsFor } from './settings.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const shared = sharedDataDir() ?? path.resolve(repoRoot, '../shared/data');
const FILE = path.join(shared, 'chiragaibooks-Option-chain-Parquet/option_chain_20260818.parquet');
const haveData = existsSync(FILE);
const DEPLOYMENT = '3f2b9c1e-0d4a-4e55-9b7a-1c2d3e4f5a6b'; // a live deployment's id is a UUID

function example(
  file: string,
  edit: (s: DslDocument['basket']['strategies'][0]) => void = () => {},
) {
  const json = JSON.parse(readFileSync(path.join(repoRoot, 'engine/dsl/examples', file), 'utf8'));
  const r = parseDsl(json);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.errors)}`);
  edit(r.value.basket.strategies[0]);
  return r.value;
}

const HEDGED = 'nifty-straddle-delta-hedge.json';
const snaps: ChainSnapshot[] = [];
beforeAll(async () => {
  if (!haveData) return;
  for await (const s of readSnapshots(FILE)) snaps.push(s);
}, 120_000);

/** The net delta of a state's held units, as the risk desk values positions against a chain. */
function riskDeskDelta(state: RuntimeState, snap: ChainSnapshot): number {
  const positions: RiskPosition[] = [];
  for (const st of Object.values(state.strategies))
    for (const l of st.legs) {
      if (l.held <= 0 || l.expiry === null) continue;
      positions.push({
        id: l.instanceId,
        underlying: snap.underlying,
        expiry: l.expiry,
        ...termsOf(l),
        side: l.side,
        qty: l.held,
        entry: l.entryPrice ?? 0,
        // A future is worth its futures price (here the synthetic future: the data has no quote).
        ...(l.instrument === 'future' ? { mark: futuresPrice(snap, l.expiry) } : {}),
      });
    }
  const { book, skipped } = bookFromPositions(positions, [snap]);
  expect(skipped).toEqual([]);
  return bookGreeks(book).delta;
}

/** Every step of a backtest of `doc` (the paper broker as the backtest sets it up), as a deployment would store it. */
async function replay(doc: DslDocument) {
  const settings = backtestSettingsFor(doc);
  const runtime = createRuntime(doc.basket, { deploymentId: DEPLOYMENT, risk: settings.riskLimits }); // prettier-ignore
  const broker = new PaperBroker({
    slippage: settings.slippage,
    latency: settings.latency,
    costModel: settings.costModel,
    tickSize: settings.tickSize,
  });
  const hedgeFills: { ts: string; delta: number; reported: number }[] = [];
  let decided: Record<string, unknown> | undefined;
  let largest = 0;
  let states = 0;
  const session = new Session({
    runtime,
    broker,
    onStep: (input, r, market) => {
      const text = encodeState(r.state);
      expect(decodeState(text)).toEqual(r.state);
      largest = Math.max(largest, text.length);
      states++;
      decided = r.events.findLast((e) => e.type === 'HEDGE')?.data ?? decided;
      if (input.kind !== 'report' || input.report.kind !== 'fill') return;
      const id = input.report.executionId;
      const fill = r.events.find((e) => e.type === 'FILL' && e.data?.executionId === id);
      if (fill?.legId !== 'deltaHedge' || fill.data?.reason !== 'HEDGE') return;
      hedgeFills.push({
        ts: fill.ts,
        delta: riskDeskDelta(r.state, market.chain('NIFTY')!),
        reported: Number(decided?.deltaAfter),
      });
    },
  });
  for (const snapshot of snaps) await session.feed({ kind: 'snapshot', snapshot });
  await session.finish();
  return { hedgeFills, largest, states };
}

describe.skipIf(!haveData)('the delta hedge on the real NIFTY day', () => {
  it('with and without the hedge: the pinned figures, and the legs trade the same either way', async () => {
    const hedged = await backtestDocument(example(HEDGED), snaps);
    const plain = await backtestDocument(
      example(HEDGED, (s) => delete s.deltaHedge),
      snaps,
    );
    expect(plain.hedge).toBeUndefined();
    expect(plain.summary).toEqual({ netPnl: 2947.14, grossPnl: 3061.5, costs: 114.36, trades: 2, winRate: 100, maxDrawdown: 1670.5, sharpe: null, profitFactor: null }); // prettier-ignore
    expect(hedged.summary).toEqual({ netPnl: -10532.44, grossPnl: 1755, costs: 12287.44, trades: 2, winRate: 100, maxDrawdown: 10766.66, sharpe: null, profitFactor: null }); // prettier-ignore
    // 24 rebalances on a day that moved 74 points, most of them 1 lot sold or bought back: the
    // costs (STT of 0.05 % on every future sold) are what a tight band costs a short straddle.
    expect(hedged.hedge).toEqual({ grossPnl: -1306.5, costs: 12173.08, netPnl: -13479.58, trades: 12, orders: 25 }); // prettier-ignore
    // The legs' own fills are the same, so the hedged run is the plain run plus the hedge's account.
    const legs = (r: typeof hedged) => r.orders.filter((o) => o.legId !== 'deltaHedge').map((o) => [o.ts, o.legId, o.side, o.qty, o.price]); // prettier-ignore
    expect(legs(hedged)).toEqual(legs(plain));
    expect(hedged.summary.grossPnl - hedged.hedge!.grossPnl).toBeCloseTo(plain.summary.grossPnl, 6);
    expect(hedged.summary.costs - hedged.hedge!.costs).toBeCloseTo(plain.summary.costs, 6);
    // The hedge's account from its fills equals its trades (every hedge was closed by 15:15).
    const trades = hedged.trades.filter((t) => t.hedge);
    expect(trades).toHaveLength(12);
    expect(trades.reduce((a, t) => a + t.grossPnl, 0)).toBeCloseTo(hedged.hedge!.grossPnl, 6);
    expect(trades.reduce((a, t) => a + t.costs, 0)).toBeCloseTo(hedged.hedge!.costs, 6);
    expect(hedged.openPositions).toEqual([]);
    // Win rate and expectancy are the legs' (two winning legs), not the hedge's.
    expect(hedged.metrics.wins + hedged.metrics.losses).toBe(2);
  }, 120_000);

  it('after every hedge fill the net delta, as the risk desk values it, is inside ±50', async () => {
    const { hedgeFills } = await replay(example(HEDGED));
    expect(hedgeFills).toHaveLength(24);
    for (const f of hedgeFills) {
      expect(Math.abs(f.delta), `net delta after the hedge fill at ${f.ts}`).toBeLessThanOrEqual(50); // prettier-ignore
      expect(f.delta).toBeCloseTo(f.reported, 6);
    }
  }, 120_000);

  it('a hedged 4-leg strategy stores at most 4 KB of state at every step', async () => {
    const condor = example('nifty-iron-condor-delta.json', (s) => {
      // A condor's delta stays small: a target of +60 makes the hedge hold a future all day.
      s.deltaHedge = { typeVersion: 1, expiry: { kind: 'monthly', offset: 0 }, targetDelta: 60, band: 35, minTradeLots: 1 }; // prettier-ignore
    });
    const r = await replay(condor);
    expect(r.states).toBeGreaterThan(snaps.length);
    expect(r.hedgeFills.length).toBeGreaterThan(0);
    expect(r.largest).toBeLessThanOrEqual(4096);
  }, 120_000);
});
