import { describe, expect, it } from 'vitest';
import { at, basket, leg, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const q = (ce: number) => ({ '24300CE': ce, '24300PE': 100 });
const s = strategy({ legs: [leg('CE', { stopLoss: { typeVersion: 1, type: 'pct', value: 30 } })] });
const path = [
  at(snap('09:20', 24300, q(100))),
  at(snap('09:21', 24300, q(135))), // above the stop inside the 09:20 candle
  at(snap('09:24', 24300, q(125))), // the 09:20 candle closes at 125
  at(snap('09:25', 24300, q(128))), // first snapshot of the next candle: 125 < 130, no stop
  at(snap('09:26', 24300, q(140))),
  at(snap('09:29', 24300, q(131))), // the 09:25 candle closes at 131
  at(snap('09:30', 24300, q(100))), // 131 >= 130: stop, filled on this snapshot
];
const exits = (r: Awaited<ReturnType<typeof runScenario>>) =>
  r.intents.filter((i) => i.closing).map((i) => [i.ts.slice(11, 16), i.reason]);

describe('execution trigger', () => {
  it('ltp: the stop triggers on the first snapshot whose price reaches it', async () => {
    const r = await runScenario(basket([s]), path);
    expect(exits(r)).toEqual([['09:21', 'STOP_LOSS']]);
  });

  it('candle close (5 min): only closes of finished candles trigger, on the first snapshot after the candle', async () => {
    const r = await runScenario(
      basket([s], { execution: { typeVersion: 1, trigger: 'candleClose', candleMinutes: 5 } }),
      path,
    );
    expect(exits(r)).toEqual([['09:30', 'STOP_LOSS']]);
    expect(r.fills.at(-1)?.price).toBe(100);
    expect(r.events.find((e) => e.type === 'STOP_LOSS')?.message).toMatch(/P 131 >= stop 130/);
  });
});
