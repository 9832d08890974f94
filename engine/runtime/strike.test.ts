import { describe, expect, it } from 'vitest';
import { delta as bsDelta } from './strike-test-math.ts';
import { at, basket, EXPIRY, leg, snap, strategy } from './golden-fixtures.ts';
import { runScenario } from './scenario.ts';

const sel = (strike: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  strategy({ legs: [leg('L', { strike: { typeVersion: 1, ...strike }, ...over })] });

async function picked(
  strike: Record<string, unknown>,
  spot: number,
  quotes: Record<string, number | null | object>,
  over: Record<string, unknown> = {},
  o = {},
) {
  const r = await runScenario(basket([sel(strike, over)]), [at(snap('09:20', spot, quotes, o))]);
  return { strike: r.intents[0]?.strike ?? null, events: r.events };
}

// CE premiums fall with the strike, PE premiums rise.
const ladder = {
  '24100CE': 260,
  '24150CE': 222,
  '24200CE': 186,
  '24250CE': 150,
  '24300CE': 120,
  '24350CE': 95,
  '24400CE': 72,
  '24450CE': 52,
  '24500CE': 36,
  '24100PE': 40,
  '24150PE': 52,
  '24200PE': 66,
  '24250PE': 84,
  '24300PE': 104,
  '24350PE': 130,
  '24400PE': 160,
  '24450PE': 195,
  '24500PE': 232,
};

describe('strike selectors against a snapshot, with the written tie-breaks', () => {
  it('ATM: nearest listed strike to spot; exactly half-way goes to the lower strike', async () => {
    expect((await picked({ type: 'atm' }, 24312, ladder)).strike).toBe(24300);
    expect((await picked({ type: 'atm' }, 24325, ladder)).strike).toBe(24300);
    expect((await picked({ type: 'atm' }, 24326, ladder)).strike).toBe(24350);
  });

  it('ITM/OTM count listed strikes from ATM: CE ITM below, PE ITM above', async () => {
    expect((await picked({ type: 'itm', steps: 2 }, 24310, ladder)).strike).toBe(24200);
    expect((await picked({ type: 'otm', steps: 3 }, 24310, ladder)).strike).toBe(24450);
    expect(
      (
        await picked({ type: 'itm', steps: 1 }, 24310, ladder, {
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24350);
    expect(
      (
        await picked({ type: 'otm', steps: 2 }, 24310, ladder, {
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24200);
  });

  it('OTM past the last listed strike is not found, and says so', async () => {
    const r = await picked({ type: 'otm', steps: 5 }, 24310, ladder);
    expect(r.strike).toBeNull();
    expect(r.events.find((e) => e.type === 'STRIKE_NOT_FOUND')?.message).toMatch(
      /OTM 5 from ATM 24300 is past the 9 listed CE strikes/,
    );
  });

  it('ATM from the synthetic future: K* + C - P at the strike nearest spot with both prices', async () => {
    // K* = 24300 (nearest 24310); synthetic = 24300 + 120 - 104 = 24316 -> ATM 24300; with C 150 -> 24346 -> 24350.
    expect((await picked({ type: 'atm', atmFrom: 'syntheticFuture' }, 24310, ladder)).strike).toBe(
      24300,
    );
    expect(
      (
        await picked({ type: 'atm', atmFrom: 'syntheticFuture' }, 24310, {
          ...ladder,
          '24300CE': 150,
        })
      ).strike,
    ).toBe(24350);
  });

  it('ATM from futures uses the expiry forward', async () => {
    expect(
      (await picked({ type: 'atm', atmFrom: 'futures' }, 24310, ladder, {}, { forward: 24390 }))
        .strike,
    ).toBe(24400);
  });

  it('closest premium; a tie goes to the strike nearer ATM', async () => {
    expect((await picked({ type: 'closestPremium', premium: 100 }, 24310, ladder)).strike).toBe(
      24350,
    ); // 95 is 5 away
    // 110 is 10 from 120 (24300) and 10 from 100 (a 24320 strike is not listed; use a custom ladder)
    const tie = { '24200CE': 130, '24300CE': 110, '24400CE': 90 };
    expect((await picked({ type: 'closestPremium', premium: 120 }, 24260, tie)).strike).toBe(24300); // 130 and 110 tie; 24300 is ATM
  });

  it('premium >= X takes the lowest qualifying premium, premium <= X the highest', async () => {
    expect((await picked({ type: 'premiumAtLeast', premium: 100 }, 24310, ladder)).strike).toBe(
      24300,
    ); // 120
    expect((await picked({ type: 'premiumAtMost', premium: 100 }, 24310, ladder)).strike).toBe(
      24350,
    ); // 95
    const none = await picked({ type: 'premiumAtLeast', premium: 500 }, 24310, ladder);
    expect(none.strike).toBeNull();
    expect(none.events.find((e) => e.type === 'STRIKE_NOT_FOUND')?.message).toMatch(/no P >= 500/);
  });

  it('premium range: a SELL takes the highest premium in range, a BUY the lowest', async () => {
    expect(
      (await picked({ type: 'premiumRange', min: 50, max: 100 }, 24310, ladder, { side: 'SELL' }))
        .strike,
    ).toBe(24350); // 95
    expect(
      (await picked({ type: 'premiumRange', min: 50, max: 100 }, 24310, ladder, { side: 'BUY' }))
        .strike,
    ).toBe(24450); // 52
    const ev = (
      await picked({ type: 'premiumRange', min: 50, max: 100 }, 24310, ladder, { side: 'SELL' })
    ).events.find((e) => e.type === 'STRIKE_SELECTED');
    expect(ev?.message).toMatch(/3 P in \[50, 100\] .*a SELL takes the highest/);
  });

  it('premium range tie: equal premiums go to the strike nearer ATM, then the lower strike', async () => {
    // Two CEs at 60 (24400 and a far 24600): a SELL takes the highest P in [40, 60]; 24400 is nearer ATM 24300.
    const tie = { '24300CE': 120, '24400CE': 60, '24500CE': 45, '24600CE': 60, '24300PE': 100 };
    expect(
      (await picked({ type: 'premiumRange', min: 40, max: 60 }, 24300, tie, { side: 'SELL' }))
        .strike,
    ).toBe(24400);
    // Equidistant from ATM 24300 (24200 PE and 24400 PE both at 50): the lower strike.
    const eq = { '24200PE': 50, '24300PE': 100, '24400PE': 50, '24300CE': 100 };
    expect(
      (
        await picked({ type: 'premiumRange', min: 40, max: 60 }, 24300, eq, {
          side: 'BUY',
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24200);
  });

  it('straddle width: ATM + width x straddle, nearest listed strike', async () => {
    // S = 120 + 104 = 224; 24300 + 0.5 x 224 = 24412 -> 24400; PE with width -0.5 -> 24188 -> 24200
    expect((await picked({ type: 'straddleWidth', width: 0.5 }, 24310, ladder)).strike).toBe(24400);
    expect(
      (
        await picked({ type: 'straddleWidth', width: -0.5 }, 24310, ladder, {
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24200);
  });

  it('% of ATM: the strike nearest ATM x factor', async () => {
    // 24300 x 1.008 = 24494.4 -> 24500; x 0.995 = 24178.5 -> 24200 (24150 is 28.5 away, 24200 21.5)
    expect((await picked({ type: 'pctOfAtm', factor: 1.008 }, 24310, ladder)).strike).toBe(24500);
    expect(
      (
        await picked({ type: 'pctOfAtm', factor: 0.995 }, 24310, ladder, {
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24200);
  });

  it('ATM straddle premium %: the option whose premium is closest to p % of the straddle', async () => {
    // 30 % of 224 = 67.2 -> CE 72 (24400); PE 66 (24200)
    expect((await picked({ type: 'atmStraddlePremiumPct', pct: 30 }, 24310, ladder)).strike).toBe(
      24400,
    );
    expect(
      (
        await picked({ type: 'atmStraddlePremiumPct', pct: 30 }, 24310, ladder, {
          instrument: 'option',
          right: 'PE',
        })
      ).strike,
    ).toBe(24200);
  });

  it("closest delta and delta range use Black-Scholes delta from each quote's IV", async () => {
    const ivq = (p: number) => ({ ltp: p, bid: p, ask: p, iv: 0.14 });
    const q = Object.fromEntries(Object.entries(ladder).map(([k, p]) => [k, ivq(p)]));
    const spot = 24310;
    const t =
      (Date.parse(`${EXPIRY}T15:30:00+05:30`) - Date.parse('2026-11-20T09:20:00+05:30')) /
      (365 * 86_400_000);
    const strikes = [24100, 24150, 24200, 24250, 24300, 24350, 24400, 24450, 24500];
    const deltas = strikes.map((k) => ({
      k,
      d: Math.abs(bsDelta('CE', spot, k, t, 0.065, 0.14, 0.012)),
    }));
    const closest = (target: number) =>
      deltas.reduce((a, b) => (Math.abs(b.d - target) < Math.abs(a.d - target) ? b : a)).k;
    expect((await picked({ type: 'closestDelta', delta: 0.25 }, spot, q)).strike).toBe(
      closest(0.25),
    );
    const inRange = deltas.filter((x) => x.d >= 0.2 && x.d <= 0.4);
    const mid = inRange.reduce((a, b) => (Math.abs(b.d - 0.3) < Math.abs(a.d - 0.3) ? b : a)).k;
    expect((await picked({ type: 'deltaRange', min: 0.2, max: 0.4 }, spot, q)).strike).toBe(mid);
    expect(closest(0.25)).toBeGreaterThan(24300);
  });

  it('exact strike; an unlisted strike is not found while the other legs proceed', async () => {
    const s = strategy({
      legs: [
        leg('A', { strike: { typeVersion: 1, type: 'exact', strike: 24375 } }),
        leg('B', { strike: { typeVersion: 1, type: 'exact', strike: 24450 } }),
      ],
    });
    const r = await runScenario(basket([s]), [at(snap('09:20', 24310, ladder))]);
    expect(r.intents.map((i) => [i.legId, i.strike])).toEqual([['B', 24450]]);
    expect(r.events.find((e) => e.type === 'STRIKE_NOT_FOUND')?.message).toMatch(
      /strike 24375 is not listed/,
    );
  });

  it('weekly +1 and monthly expiries come from the listed expiries', async () => {
    const more = {
      '2026-12-01': { '24300CE': 160 },
      '2026-11-26': { '24300CE': 140 },
      '2026-12-29': { '24300CE': 300 },
    };
    const weekly1 = await runScenario(
      basket([sel({ type: 'atm' }, { expiry: { kind: 'weekly', offset: 1 } })]),
      [at(snap('09:20', 24310, ladder, { more }))],
    );
    expect(weekly1.intents[0].expiry).toBe('2026-11-26');
    const monthly = await runScenario(
      basket([sel({ type: 'atm' }, { expiry: { kind: 'monthly', offset: 0 } })]),
      [at(snap('09:20', 24310, ladder, { more }))],
    );
    expect(monthly.intents[0].expiry).toBe('2026-11-26');
    const monthly1 = await runScenario(
      basket([sel({ type: 'atm' }, { expiry: { kind: 'monthly', offset: 1 } })]),
      [at(snap('09:20', 24310, ladder, { more }))],
    );
    expect(monthly1.intents[0].expiry).toBe('2026-12-29');
    const none = await runScenario(
      basket([sel({ type: 'atm' }, { expiry: { kind: 'weekly', offset: 6 } })]),
      [at(snap('09:20', 24310, ladder, { more }))],
    );
    expect(none.events.find((e) => e.type === 'EXPIRY_NOT_FOUND')?.message).toMatch(
      /weekly \+6 needs 7 listed expiries/,
    );
  });
});
