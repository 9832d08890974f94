import { describe, expect, it } from 'vitest';
import { simulateDays } from '../market/simulator.ts';
import { BacktestCancelled } from './backtest.ts';
import { backtestDocument } from './basket.ts';
import { parseDsl } from '../dsl/index.ts';
import { straddle, straddleJson, straddleDay as day } from './golden-straddle.ts';

describe('backtest report (golden straddle, hand-computed)', () => {
  it('orders fill at the touch and the report adds up', async () => {
    const r = await backtestDocument(straddle(), day, { overrides: { costModel: 'none' } });
    expect(
      r.orders.map((o) => [o.legId, o.side, o.qty, o.price, o.reason, o.ts.slice(11, 16)]),
    ).toEqual([
      ['ce', 'SELL', 65, 100, 'ENTRY', '09:20'],
      ['pe', 'SELL', 65, 80, 'ENTRY', '09:20'],
      ['ce', 'BUY', 65, 126.1, 'STOP_LOSS', '09:40'],
      ['pe', 'BUY', 65, 50.5, 'EXIT_TIME', '15:15'],
    ]);
    // CE (100 - 126.1) x 65 = -1,696.5; PE (80 - 50.5) x 65 = 1,917.5
    expect(r.summary).toEqual({
      netPnl: 221,
      grossPnl: 221,
      costs: 0,
      trades: 2,
      winRate: 50,
      maxDrawdown: 721.5,
      sharpe: null,
      profitFactor: 1.1303,
    });
    // Marks at LTP: 09:20 both legs 0.2 against (-26); 09:30 CE -1,300 + PE 650; 09:40 CE closed -1,696.5 + PE 975.
    expect(r.equity.map((e) => e.pnl)).toEqual([0, -26, -650, -721.5, -1696.5 + 1040, 221]);
    expect(r.from).toBe('2026-11-20T09:19:00+05:30');
    expect(r.to).toBe('2026-11-20T15:15:00+05:30');
    expect(r.openPositions).toEqual([]);
    // One round trip per leg, each with what opened and closed it.
    expect(
      r.trades.map((t) => [
        t.legId,
        t.side,
        t.qty,
        t.entryPrice,
        t.exitPrice,
        t.exitReason,
        t.netPnl,
      ]),
    ).toEqual([
      ['ce', 'SELL', 65, 100, 126.1, 'STOP_LOSS', -1696.5],
      ['pe', 'SELL', 65, 80, 50.5, 'EXIT_TIME', 1917.5],
    ]);
    expect(r.metrics).toMatchObject({
      wins: 1,
      losses: 1,
      avgWin: 1917.5,
      avgLoss: -1696.5,
      expectancy: 110.5,
      maxConsecutiveLosses: 1,
    });
    expect(r.events.find((e) => e.type === 'STOP_LOSS')).toMatchObject({
      legId: 'ce',
      ts: '2026-11-20T09:40:00+05:30',
    });
    expect(Object.keys(r).slice(0, 7)).toEqual([
      'strategy',
      'from',
      'to',
      'summary',
      'orders',
      'events',
      'equity',
    ]);
  });

  it('reports costs apart from gross P&L and states the settings used', async () => {
    const r = await backtestDocument(straddle(), day, {
      overrides: { costModel: 'india-index-options', slippage: { kind: 'ticks', ticks: 1 } },
    });
    // One tick (0.05) against on each fill: CE 99.95 -> 126.15, PE 79.95 -> 50.55.
    expect(r.orders.map((o) => o.price)).toEqual([99.95, 79.95, 126.15, 50.55]);
    expect(r.summary.grossPnl).toBe(208); // 221 - 4 fills x 0.05 x 65
    expect(r.summary.costs).toBeGreaterThan(80); // 4 x INR 20 brokerage at least
    expect(r.summary.netPnl).toBe(Math.round((208 - r.summary.costs) * 100) / 100);
    expect(r.settings).toMatchObject({
      latency: 'none',
      slippage: { kind: 'ticks', ticks: 1 },
      costModel: { id: 'india-index-options' },
      triggerPrice: 'LTP',
      currency: 'INR',
      capital: 500000,
    });
    expect(r.settings.fillModel).toContain('1 tick(s) slippage');
  });

  it('charges the cost model the basket names unless the run overrides it', async () => {
    const withCosts = (costModel: object) => {
      const r = parseDsl({
        ...straddleJson,
        basket: { ...straddleJson.basket, execution: { typeVersion: 1, costModel } },
      });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.value;
    };
    const zerodha = await backtestDocument(withCosts({ type: 'india-index-options' }), day);
    expect(zerodha.settings.costModel).toMatchObject({
      id: 'india-index-options',
      description: expect.stringContaining('INR 20 brokerage per order'),
    });
    // Sells at 100 and 80, buys at 126.1 and 50.5, 65 units each: 4 x (20 brokerage + 18 % GST) plus
    // STT on the two sells (0.15 % of 11,700 = 17.55) and the turnover fees.
    expect(zerodha.summary.costs).toBeGreaterThan(4 * 23.6 + 17.55);
    expect(zerodha.summary.grossPnl).toBe(221);
    expect(zerodha.summary.netPnl).toBe(Math.round((221 - zerodha.summary.costs) * 100) / 100);
    // A broker charging INR 10 an order: 4 fills x (10 + 18 % GST) = 47.20 less, give or take a paisa of rounding per fill.
    const cheaper = await backtestDocument(
      withCosts({ type: 'india-index-options', brokeragePerOrder: 10 }),
      day,
    );
    expect(cheaper.settings.costModel.description).toContain('INR 10 brokerage per order');
    expect(zerodha.summary.costs - cheaper.summary.costs).toBeCloseTo(47.2, 1);
    const overridden = await backtestDocument(withCosts({ type: 'india-index-options' }), day, {
      overrides: { costModel: 'none' },
    });
    expect(overridden.summary.costs).toBe(0);
    expect(overridden.settings.costModel.id).toBe('none');
  });

  it('with latency fills on the next snapshot, and reports orders the data ended before', async () => {
    const r = await backtestDocument(straddle(), day, {
      overrides: { costModel: 'none', latency: 'next-snapshot' },
    });
    // Entries decided at 09:20 fill at 09:30's bids; the stop is then 25 % above 119.9 and never hit.
    expect(r.orders.map((o) => [o.legId, o.price, o.ts.slice(11, 16)])).toEqual([
      ['ce', 119.9, '09:30'],
      ['pe', 69.9, '09:30'],
    ]);
    // The 15:15 exits have no later snapshot to fill on: they are reported, and the legs stay open at their marks.
    expect(r.events.filter((e) => e.type === 'ORDER_UNFILLED').map((e) => e.legId)).toEqual([
      'ce',
      'pe',
    ]);
    expect(r.openPositions).toMatchObject([
      { legId: 'ce', side: 'SELL', qty: 65, entryPrice: 119.9, mark: 10 },
      { legId: 'pe', side: 'SELL', qty: 65, entryPrice: 69.9, mark: 50.2 },
    ]);
    expect(r.summary.netPnl).toBe(8424); // (119.9 - 10) x 65 + (69.9 - 50.2) x 65
  });

  it('refuses snapshots out of time order with a message that says how to fix the data', async () => {
    await expect(backtestDocument(straddle(), [day[2], day[1]])).rejects.toThrow(
      /snapshot 2 at 2026-11-20T09:20:00\+05:30 is older than the one before it .*sort the data by time/,
    );
  });
});

describe('backtest runs', () => {
  const doc = straddle();
  const week = () =>
    simulateDays({
      underlying: 'NIFTY',
      seed: 11,
      from: '2026-11-16',
      to: '2026-11-17',
      strikesEachSide: 8,
    });

  it('are deterministic: the same inputs twice give a byte-identical report', async () => {
    const a = JSON.stringify(
      await backtestDocument(doc, week(), { overrides: { costModel: 'india-index-options' } }),
    );
    const b = JSON.stringify(
      await backtestDocument(doc, week(), { overrides: { costModel: 'india-index-options' } }),
    );
    expect(a).toBe(b);
    expect(JSON.parse(a).days).toHaveLength(2);
  });

  it('report progress and stop when cancelled', async () => {
    const seen: number[] = [];
    const ac = new AbortController();
    const run = backtestDocument(doc, week(), {
      progressEvery: 50,
      signal: ac.signal,
      onProgress: (p) => {
        seen.push(p.snapshots);
        if (p.snapshots >= 100) ac.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(BacktestCancelled);
    expect(seen).toEqual([50, 100]);
  });
});
