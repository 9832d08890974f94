/**
 * The golden short straddle and its hand-made NIFTY day, shared by the backtest tests and the
 * backtest job tests (which upload the same day as NDJSON): every expected figure is worked out
 * by hand in backtest.test.ts.
 */
import { parseDsl, type DslDocument } from '../dsl/index.ts';
import type { ChainSnapshot } from '../runtime/types.ts';

// A short ATM straddle with a 25 % stop on each leg and a 15:15 exit, on hand-made snapshots.
const leg = (id: string, right: 'CE' | 'PE') => ({
  typeVersion: 2,
  id,
  instrument: 'option',
  right,
  side: 'SELL',
  lots: 1,
  expiry: { kind: 'weekly', offset: 0 },
  strike: { typeVersion: 1, type: 'atm', atmFrom: 'spot' },
  stopLoss: { typeVersion: 1, type: 'pct', value: 25 },
});

/** The document as a user would save it (JSON), before parsing. */
export const straddleJson = {
  dslVersion: 1,
  basket: {
    typeVersion: 1,
    name: 'golden straddle',
    capital: 500000,
    strategies: [
      {
        typeVersion: 1,
        id: 's',
        name: 'straddle',
        underlying: 'NIFTY',
        entry: { time: '09:20' },
        exit: { time: '15:15' },
        legs: [leg('ce', 'CE'), leg('pe', 'PE')],
      },
    ],
  },
};

export function straddle(): DslDocument {
  const r = parseDsl(straddleJson);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

type Q = { bid: number; ask: number; ltp: number };
const q = (ltp: number, half = 0.1): Q => ({ bid: ltp - half, ask: ltp + half, ltp });
function snap(hm: string, ce: Q, pe: Q): ChainSnapshot {
  const far = (strike: number) => [
    { strike, right: 'CE' as const, ...q(50) },
    { strike, right: 'PE' as const, ...q(50) },
  ];
  return {
    ts: `2026-11-20T${hm}:00+05:30`,
    underlying: 'NIFTY',
    spot: 24000,
    vix: 13,
    expiries: [
      {
        expiry: '2026-11-24',
        options: [
          ...far(23950),
          { strike: 24000, right: 'CE', ...ce },
          { strike: 24000, right: 'PE', ...pe },
          ...far(24050),
        ],
      },
    ],
  };
}

export const straddleDay: ChainSnapshot[] = [
  snap('09:19', q(100), q(80)),
  snap('09:20', { bid: 100, ask: 100.5, ltp: 100.2 }, { bid: 80, ask: 80.5, ltp: 80.2 }),
  snap('09:30', q(120), q(70)),
  snap('09:40', q(126), q(65)), // CE LTP 126 >= stop 125 (25 % above 100): buy back at the ask 126.1
  snap('09:41', q(130), q(64)),
  snap('15:15', q(10), { bid: 50, ask: 50.5, ltp: 50.2 }), // exit time: PE bought back at the ask 50.5
];
