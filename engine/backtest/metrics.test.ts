import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics';

// Three days on 1,00,000 capital; every figure below is worked out by hand in the comments.
const equity = [
  { ts: '2026-01-05T09:20:00+05:30', pnl: 1000 },
  { ts: '2026-01-05T15:20:00+05:30', pnl: 500 }, // day 1 closes +500
  { ts: '2026-01-06T09:20:00+05:30', pnl: 2000 },
  { ts: '2026-01-06T15:20:00+05:30', pnl: -1000 }, // day 2: -1,500; fall 2,000 -> -1,000 = 3,000
  { ts: '2026-01-07T09:20:00+05:30', pnl: 0 },
  { ts: '2026-01-07T15:20:00+05:30', pnl: 1500 }, // day 3: +2,500
];
const trades = [
  { date: '2026-01-05', grossPnl: 840, costs: 40, netPnl: 800 },
  { date: '2026-01-05', grossPnl: -260, costs: 40, netPnl: -300 },
  { date: '2026-01-06', grossPnl: -1460, costs: 40, netPnl: -1500 },
  { date: '2026-01-07', grossPnl: 2540, costs: 40, netPnl: 2500 },
];

// Costs of each day's fills (an entry on day 1 closed on day 2 pays its entry costs on day 1).
const costsByDay = new Map([
  ['2026-01-05', 100],
  ['2026-01-06', 20],
  ['2026-01-07', 40],
]);

describe('computeMetrics', () => {
  const m = computeMetrics({ trades, equity, capital: 100000, costsByDay });

  it('counts wins, losses, streaks and averages of closed trades', () => {
    expect(m.trades).toBe(4);
    expect(m.winRate).toBe(50);
    expect(m.profitFactor).toBe(1.8333); // 3,300 / 1,800
    expect(m.expectancy).toBe(375); // 1,500 / 4
    expect(m.avgWin).toBe(1650);
    expect(m.avgLoss).toBe(-900);
    expect(m.largestWin).toBe(2500);
    expect(m.largestLoss).toBe(-1500);
    expect(m.maxConsecutiveWins).toBe(1);
    expect(m.maxConsecutiveLosses).toBe(2);
  });

  it('measures the drawdown from the running peak in money and percent', () => {
    expect(m.maxDrawdown).toBe(3000);
    expect(m.maxDrawdownPct).toBe(2.9412); // 3,000 / (1,00,000 + 2,000)
  });

  it('annualises Sharpe, Sortino and Calmar from daily returns', () => {
    // returns 0.005, -0.015, 0.025: mean 0.005, sample sd 0.02
    expect(m.sharpe).toBe(3.9686); // 0.25 x sqrt(252)
    // downside deviation sqrt(0.015^2 / 3) = 0.0086603
    expect(m.sortino).toBe(9.1652);
    expect(m.calmar).toBe(42.84); // 0.005 x 252 / 0.0294118
  });

  it('builds a per-day table whose rows add up: gross - costs = net, and the nets sum to the total', () => {
    expect(m.days).toEqual([
      {
        date: '2026-01-05',
        netPnl: 500,
        grossPnl: 600,
        costs: 100,
        realizedPnl: 500,
        trades: 2,
        wins: 1,
        losses: 1,
        maxDrawdown: 500,
      },
      {
        date: '2026-01-06',
        netPnl: -1500,
        grossPnl: -1480,
        costs: 20,
        realizedPnl: -1500,
        trades: 1,
        wins: 0,
        losses: 1,
        maxDrawdown: 3000,
      },
      {
        date: '2026-01-07',
        netPnl: 2500,
        grossPnl: 2540,
        costs: 40,
        realizedPnl: 2500,
        trades: 1,
        wins: 1,
        losses: 0,
        maxDrawdown: 0,
      },
    ]);
    for (const d of m.days) expect(d.grossPnl - d.costs).toBe(d.netPnl);
    expect(m.days.reduce((a, d) => a + d.netPnl, 0)).toBe(equity[equity.length - 1].pnl);
  });

  it('says why ratios are missing on a single day instead of inventing them', () => {
    const one = computeMetrics({
      trades: trades.slice(0, 1),
      equity: equity.slice(0, 2),
      capital: 100000,
    });
    expect(one.sharpe).toBeNull();
    expect(one.sortino).toBeNull();
    expect(one.calmar).toBeNull();
    expect(one.profitFactor).toBeNull();
    expect(one.notes.join(' ')).toMatch(/at least 2 trading days.*has 1/);
    expect(one.notes.join(' ')).toMatch(/no trade lost money/);
  });

  it('reports zeros, not NaN, when nothing traded', () => {
    const none = computeMetrics({ trades: [], equity: [], capital: 100000 });
    expect(none.winRate).toBe(0);
    expect(none.expectancy).toBe(0);
    expect(JSON.stringify(none)).not.toMatch(/NaN|Infinity/);
  });
});
