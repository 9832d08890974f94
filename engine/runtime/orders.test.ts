import { describe, expect, it } from 'vitest';
import { Stepper } from '@/tests/support/stepper';
import { at, basket, DAY, leg, LOT, snap, strategy } from './golden-fixtures.ts';
import { createRuntime } from './runtime.ts';
import { runScenario } from './scenario.ts';

const q = (ce: number, pe = 100) => ({ '24300CE': ce, '24300PE': pe });
const t = (hhmm: string, ss = '00') => `${DAY}T${hhmm}:${ss}+05:30`;
const sl10 = { stopLoss: { typeVersion: 1, type: 'points', value: 10 } };

describe('order model (golden): partial fills, duplicates, rejections, cancels, reconciliation', () => {
  it('a 3-lot entry filled 2 + 1 lots on two snapshots opens at the average price, with the stop from it', async () => {
    const r = await runScenario(
      basket([strategy({ legs: [leg('CE', { lots: 3, ...sl10 })] })]),
      [
        at(snap('09:20', 24300, q(100))),
        at(snap('09:21', 24300, q(103))),
        at(snap('09:30', 24300, q(111))), // at the stop: exit 3 lots, filled 2 + 1
        at(snap('09:31', 24300, q(112))),
      ],
      { fillModel: { maxLotsPerFill: 2 } },
    );
    // 2 lots at 100 on 09:20, 1 lot at 103 on 09:21: E = (200 + 103) / 3 = 101; stop = 111.
    expect(r.fills.map((f) => [f.ts.slice(11, 16), f.qty, f.price])).toEqual([
      ['09:20', 2 * LOT, 100],
      ['09:21', LOT, 103],
      ['09:30', 2 * LOT, 111],
      ['09:31', LOT, 112],
    ]);
    expect(r.intents.map((i) => [i.id, i.reason, i.qty])).toEqual([
      ['dep:1', 'ENTRY', 3 * LOT],
      ['dep:2', 'STOP_LOSS', 3 * LOT],
    ]);
    const ce = r.state.strategies.s1.legs[0];
    expect(ce.entryPrice).toBe(101);
    expect(ce.initialStopLevel).toBe(111);
    // (101 - 111) x 2 lots + (101 - 112) x 1 lot
    expect(ce).toMatchObject({ status: 'CLOSED', held: 0, realizedPnl: -10 * 2 * LOT - 11 * LOT });
    expect(r.events.filter((e) => e.type === 'TRADE')).toHaveLength(1);
  });

  it('a duplicate execution report is applied once; a second partial fill with its own id is not lost', async () => {
    const st = new Stepper(
      createRuntime(basket([strategy({ legs: [leg('CE', { lots: 3 })] })]), { deploymentId: 'd' }),
    );
    const [entry] = (await st.at(snap('09:20', 24300, q(100)))).intents;
    await st.fill(entry, 100, 2 * LOT, 'T1');
    const dup = await st.fill(entry, 100, 2 * LOT, 'T1');
    expect(dup.events.map((e) => [e.type, e.message])).toEqual([
      [
        'DUPLICATE_REPORT',
        'fill T1 of order d:1 was already applied: the repeated report is ignored',
      ],
    ]);
    expect(st.state.strategies.s1.legs[0]).toMatchObject({
      status: 'PENDING_ENTRY',
      held: 2 * LOT,
    });
    await st.fill(entry, 101, LOT, 'T2');
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'OPEN', held: 3 * LOT });
    expect(st.state.orders).toEqual({});
    // A late duplicate of a complete order is recognised too.
    const late = await st.fill(entry, 100, 2 * LOT, 'T1');
    expect(late.events[0].type).toBe('DUPLICATE_REPORT');
    expect(st.state.strategies.s1.legs[0].held).toBe(3 * LOT);
  });

  it('a rejection after acceptance cancels the entry and says why; the rest of the strategy goes on', async () => {
    const st = new Stepper(
      createRuntime(
        basket([strategy({ legs: [leg('CE'), leg('PE', { instrument: 'option', right: 'PE' })] })]),
        {
          deploymentId: 'd',
        },
      ),
    );
    const r = await st.at(snap('09:20', 24300, q(100)));
    await st.report({ kind: 'accepted', orderId: 'd:1', ts: t('09:20'), brokerOrderId: 'K1' });
    const rej = await st.reject(r.intents[0], 'RMS: margin exceeds, required 1,20,000');
    expect(rej.events.map((e) => e.type)).toEqual(['ORDER_REJECTED', 'ORDER_DENIED']);
    expect(rej.events[1].message).toMatch(/entry d:1 .* did not fill: RMS: margin exceeds/);
    expect(st.state.strategies.s1.legs[0].status).toBe('CANCELLED');
    await st.fill(r.intents[1], 100);
    expect(st.state.strategies.s1.legs[1].status).toBe('OPEN');
    expect(st.state.tradingState).toBe('ACTIVE');
  });

  it('an order still working after its timeout gets an explicit cancel; the filled part stands', async () => {
    const st = new Stepper(
      createRuntime(basket([strategy({ legs: [leg('CE', { lots: 3, ...sl10 })] })]), {
        deploymentId: 'd',
        settings: { orderTimeoutMs: 30_000 },
      }),
    );
    const [entry] = (await st.at(snap('09:20', 24300, q(100)))).intents;
    await st.report({ kind: 'accepted', orderId: 'd:1', ts: t('09:20'), brokerOrderId: 'K1' });
    await st.fill(entry, 100, 2 * LOT);
    const before = await st.at({ ...snap('09:20', 24300, q(101)), ts: t('09:20', '20') });
    expect(before.cancels).toEqual([]);
    const after = await st.at({ ...snap('09:20', 24300, q(101)), ts: t('09:20', '40') });
    expect(after.cancels).toEqual([
      {
        id: 'd:2',
        ts: t('09:20', '40'),
        deploymentId: 'd',
        orderId: 'd:1',
        intentId: 'd:1',
        reason: 'still 130 of 195 filled 40 s after it was sent (timeout 30 s)',
      },
    ]);
    // No second cancel for the same order.
    expect((await st.at({ ...snap('09:21', 24300, q(101)) })).cancels).toEqual([]);
    // The venue says the rest was cancelled after 2 lots: the leg opens with 2 lots at 100.
    await st.cancelled(entry, 2 * LOT);
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'OPEN', held: 2 * LOT, lots: 2, entryPrice: 100 }); // prettier-ignore
    const exit = await st.at(snap('09:30', 24300, q(110)));
    expect(exit.intents.map((i) => [i.reason, i.qty])).toEqual([['STOP_LOSS', 2 * LOT]]);
  });

  it('a cancel report naming more fills than arrived waits for them before the leg moves', async () => {
    const st = new Stepper(
      createRuntime(basket([strategy({ legs: [leg('CE', { lots: 3 })] })]), { deploymentId: 'd' }),
    );
    const [entry] = (await st.at(snap('09:20', 24300, q(100)))).intents;
    await st.fill(entry, 100, LOT, 'T1');
    await st.cancelled(entry, 2 * LOT); // the second fill is still on its way
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'PENDING_ENTRY', held: LOT });
    await st.fill(entry, 102, LOT, 'T2');
    expect(st.state.strategies.s1.legs[0]).toMatchObject({ status: 'OPEN', held: 2 * LOT, entryPrice: 101 }); // prettier-ignore
  });

  it("a reconciliation mismatch with the broker's positions stops new entries until RESUME", async () => {
    const st = new Stepper(
      createRuntime(
        basket([
          strategy({ id: 'a', legs: [leg('CE')] }),
          strategy({
            id: 'b',
            entry: { time: '09:40' },
            legs: [leg('PE', { instrument: 'option', right: 'PE' })],
          }),
        ]),
        { deploymentId: 'd' },
      ),
    );
    const [entry] = (await st.at(snap('09:20', 24300, q(100)))).intents;
    await st.fill(entry, 100);
    const ok = await st.step({
      kind: 'positions',
      ts: t('09:30'),
      positions: [
        {
          underlying: 'NIFTY',
          expiry: '2026-11-24',
          instrument: 'option',
          strike: 24300,
          right: 'CE',
          qty: -LOT,
        },
      ],
    });
    expect(ok.events).toEqual([]);
    const bad = await st.step({
      kind: 'positions',
      ts: t('09:31'),
      positions: [{ underlying: 'NIFTY', expiry: '2026-11-24', instrument: 'option', strike: 24300, right: 'CE', qty: -2 * LOT }], // prettier-ignore
    });
    expect(bad.events.map((e) => [e.type, e.message])).toEqual([
      ['RECONCILIATION_MISMATCH', `positions differ from the broker's: NIFTY 2026-11-24 24300 CE: ours -${LOT}, broker -${2 * LOT}`], // prettier-ignore
      ['TRADING_STATE', expect.stringMatching(/ACTIVE -> REDUCING: positions differ/)],
    ]);
    const blocked = await st.at(snap('09:40', 24300, q(100)));
    expect(blocked.intents).toEqual([]);
    await st.step({ kind: 'command', command: 'RESUME', ts: t('09:41') });
    const resumed = await st.at(snap('09:42', 24300, q(100)));
    expect(resumed.intents.map((i) => [i.strategyId, i.reason])).toEqual([['b', 'ENTRY']]);
  });
});
