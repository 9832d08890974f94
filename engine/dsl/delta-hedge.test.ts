// The delta-hedge block: an optional addition (older documents read exactly as before), its
// defaults, and the refusals that name why (no futures, an unlisted expiry kind, a band no whole
// lot can reach, a leg that takes the hedge's id).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { baseDocument, type MutableJson } from '@/tests/support/dsl/fixtures';
import { compile } from '../graph/compile.ts';
import { decompile } from '../graph/decompile.ts';
import { describeStrategyRules } from './describe.ts';
import { BLOCK_TYPE_VERSIONS, dslJsonSchema, parseDsl } from './index.ts';

const withHedge = (hedge: MutableJson, over: (d: MutableJson) => void = () => {}) => {
  const d = baseDocument();
  d.basket.strategies[0].deltaHedge = hedge;
  over(d);
  return parseDsl(d);
};
const errorsOf = (r: ReturnType<typeof parseDsl>) => (r.ok ? [] : r.errors);

describe('deltaHedge', () => {
  it('is version 1, optional, and a document without it reads exactly as before', () => {
    expect(BLOCK_TYPE_VERSIONS.deltaHedge).toBe(1);
    const plain = parseDsl(baseDocument());
    expect(plain.ok && 'deltaHedge' in plain.value.basket.strategies[0]).toBe(false);
    const ex = parseDsl(
      JSON.parse(
        readFileSync(path.join(import.meta.dirname, 'examples/nifty-short-straddle-recost.json'), 'utf8'), // prettier-ignore
      ),
    );
    expect(ex.ok).toBe(true);
  });

  it('fills its defaults: the month future, target 0, trades of at least 1 lot', () => {
    const r = withHedge({ typeVersion: 1, band: 40 });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.value.basket.strategies[0].deltaHedge).toEqual({
      typeVersion: 1,
      expiry: { kind: 'monthly', offset: 0 },
      targetDelta: 0,
      band: 40,
      minTradeLots: 1,
    });
    expect(describeStrategyRules(r.value.basket.strategies[0])).toContain(
      "delta hedge to 0 with this month's futures: outside ± 40",
    );
  });

  it('needs a band or an interval, and maxLots of at least minTradeLots', () => {
    expect(errorsOf(withHedge({ typeVersion: 1 }))).toEqual([
      {
        path: '/basket/strategies/0/deltaHedge/band',
        message: expect.stringContaining('needs a band, an intervalMinutes or both'),
      },
    ]);
    expect(
      errorsOf(withHedge({ typeVersion: 1, intervalMinutes: 15, minTradeLots: 3, maxLots: 2 })),
    ).toEqual([
      // prettier-ignore
      { path: '/basket/strategies/0/deltaHedge/maxLots', message: expect.stringContaining('at least minTradeLots') }, // prettier-ignore
    ]);
  });

  it('refuses an underlying without futures, naming why and what would work', () => {
    const r = withHedge({ typeVersion: 1, band: 50 }, (d) => {
      d.basket.strategies[0].underlying = 'SPY';
      d.basket.execution = { typeVersion: 1, costModel: { type: 'us-options' } };
    });
    expect(errorsOf(r)).toEqual([
      {
        path: '/basket/strategies/0/deltaHedge',
        message: expect.stringMatching(
          /^SPY has no futures to hedge with: .*CBOE.*the underlying itself cannot be bought or sold.*\(NIFTY, BANKNIFTY, FINNIFTY, MIDCPNIFTY, SENSEX, BTC, ETH\)$/,
        ),
      },
    ]);
  });

  it('refuses a futures expiry kind the exchange does not list, and a band no whole lot can reach', () => {
    expect(
      errorsOf(withHedge({ typeVersion: 1, band: 50, expiry: { kind: 'weekly', offset: 0 } })),
    ).toEqual([
      // prettier-ignore
      { path: '/basket/strategies/0/deltaHedge/expiry/kind', message: 'NSE lists NIFTY futures for monthly expiries only; use expiry kind "monthly"' }, // prettier-ignore
    ]);
    // A NIFTY lot is 65 units: from the middle of a ±30 band the nearest whole lot overshoots it.
    expect(errorsOf(withHedge({ typeVersion: 1, band: 30 }))).toEqual([
      { path: '/basket/strategies/0/deltaHedge/band', message: expect.stringContaining('use a band of at least 32.5') }, // prettier-ignore
    ]);
    // Deribit lists weekly futures, and a BTC lot is one coin.
    const btc = withHedge(
      { typeVersion: 1, band: 0.5, expiry: { kind: 'weekly', offset: 1 } },
      (d) => {
        d.basket.strategies[0].underlying = 'BTC';
        d.basket.execution = { typeVersion: 1, costModel: { type: 'deribit-options' } };
      },
    );
    expect(errorsOf(btc)).toEqual([]);
  });

  it("refuses a leg that takes the hedge's id", () => {
    const r = withHedge({ typeVersion: 1, band: 50 }, (d) => {
      d.basket.strategies[0].legs[1].id = 'deltaHedge';
    });
    expect(errorsOf(r)).toEqual([
      { path: '/basket/strategies/0/legs/1/id', message: expect.stringContaining('rename this leg') }, // prettier-ignore
    ]);
  });

  it('has its own JSON Schema definition and survives the graph round trip', () => {
    const defs = dslJsonSchema().$defs as Record<string, { properties?: Record<string, unknown> }>;
    expect(Object.keys(defs.deltaHedge.properties ?? {}).sort()).toEqual(
      ['band', 'costLimitPct', 'expiry', 'intervalMinutes', 'maxLots', 'minTradeLots', 'targetDelta', 'typeVersion'], // prettier-ignore
    );
    const file = path.join(import.meta.dirname, 'examples/nifty-straddle-delta-hedge.json');
    const doc = parseDsl(JSON.parse(readFileSync(file, 'utf8')));
    if (!doc.ok) throw new Error(JSON.stringify(doc.errors));
    const graph = decompile(doc.value);
    expect(graph.nodes.filter((n) => n.type === 'deltaHedge')).toHaveLength(1);
    const back = compile(graph);
    expect(back.ok && back.value).toEqual(doc.value);
  });
});
