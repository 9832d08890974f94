/** fast-check generators of valid DSL documents (every block and option), for the property tests. */
import fc from 'fast-check';
import { FACTS, OPERATORS, REGIMES, type FactSpec } from '@/engine/dsl/conditions';
import { WEEKDAYS } from '@/engine/dsl/primitives';
import { UNDERLYING_SYMBOLS, currencyOf } from '@/engine/dsl/underlyings';
import { findInstrument } from '@/engine/market/instruments';
import type { MutableJson } from './fixtures.ts';

const num = (min: number, max: number) =>
  fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const int = (min: number, max: number) => fc.integer({ min, max });
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const v1 = <T extends object>(a: fc.Arbitrary<T>) => a.map((x) => ({ typeVersion: 1, ...x }));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const atmFrom = opt(fc.constantFrom('spot', 'futures', 'syntheticFuture'));

function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

export const strikeArb: fc.Arbitrary<MutableJson> = v1(
  fc.oneof(
    fc.record({ type: fc.constant('atm'), atmFrom }).map(clean),
    fc.record({ type: fc.constantFrom('itm', 'otm'), steps: int(1, 50), atmFrom }).map(clean),
    fc.record({
      type: fc.constantFrom('closestPremium', 'premiumAtLeast', 'premiumAtMost'),
      premium: num(0.05, 5000),
    }),
    fc
      .tuple(num(0.05, 500), num(0, 500))
      .map(([min, d]) => ({ type: 'premiumRange', min, max: min + d })),
    fc.record({ type: fc.constant('straddleWidth'), width: num(-10, 10), atmFrom }).map(clean),
    fc.record({ type: fc.constant('pctOfAtm'), factor: num(0.51, 1.49), atmFrom }).map(clean),
    fc.record({ type: fc.constant('atmStraddlePremiumPct'), pct: num(1, 200), atmFrom }).map(clean),
    fc.record({ type: fc.constant('closestDelta'), delta: num(0.01, 0.99) }),
    fc
      .tuple(num(0.01, 0.5), num(0, 0.49))
      .map(([min, d]) => ({ type: 'deltaRange', min, max: min + d })),
    fc.record({ type: fc.constant('exact'), strike: num(1, 100000) }),
  ),
);

const levelArb = v1(
  fc.record({
    type: fc.constantFrom('points', 'pct', 'underlyingPoints', 'underlyingPct', 'premium'),
    value: num(0.5, 99),
  }),
);
const momentumArb = v1(
  fc.record({
    type: fc.constantFrom('points', 'pct', 'underlyingPoints', 'underlyingPct'),
    direction: fc.constantFrom('up', 'down'),
    value: num(0.1, 50),
  }),
);

type LegSeed = {
  kind: string;
  side: string;
  lots: number;
  expiry: MutableJson;
  strike: MutableJson;
  stopLoss?: MutableJson;
  target?: MutableJson;
  trailing?: MutableJson;
  momentum?: MutableJson;
  reSl?: string;
  reSlCount: number;
  reTarget?: string;
  reTargetCount: number;
  hedge?: boolean;
  lazy: boolean;
};

const legSeedArb: fc.Arbitrary<LegSeed> = fc.record({
  kind: fc.constantFrom('CE', 'PE', 'FUT'),
  side: fc.constantFrom('BUY', 'SELL'),
  lots: int(1, 1000),
  expiry: fc
    .record({ kind: fc.constantFrom('weekly', 'monthly'), offset: opt(int(0, 12)) })
    .map(clean),
  strike: strikeArb,
  stopLoss: opt(levelArb),
  target: opt(levelArb),
  trailing: opt(
    v1(
      fc.record({
        unit: fc.constantFrom('points', 'pct'),
        every: num(0.5, 100),
        by: num(0.5, 100),
      }),
    ),
  ),
  momentum: opt(momentumArb),
  reSl: opt(fc.constantFrom('asap', 'asapReverse', 'momentum', 'cost')),
  reSlCount: int(1, 20),
  reTarget: opt(fc.constantFrom('asap', 'asapReverse', 'momentum', 'cost')),
  reTargetCount: int(1, 20),
  hedge: opt(fc.boolean()),
  lazy: fc.boolean(),
});

function buildLegs(seeds: LegSeed[], allowReEntry: boolean): MutableJson[] {
  const legs: MutableJson[] = seeds.map((s, i) => {
    const leg: MutableJson = clean({
      typeVersion: 2,
      id: `leg${i}`,
      instrument: s.kind === 'FUT' ? 'future' : 'option',
      right: s.kind === 'FUT' ? undefined : s.kind,
      side: s.side,
      lots: s.lots,
      expiry: s.expiry,
      strike: s.kind === 'FUT' ? undefined : s.strike,
      stopLoss: s.stopLoss,
      target: s.target,
      trailingStop: s.stopLoss ? s.trailing : undefined,
      momentum: s.momentum,
      hedge: s.hedge,
    });
    if (allowReEntry) {
      const ok = (t: string | undefined) => t && (t !== 'momentum' || s.momentum);
      if (s.stopLoss && ok(s.reSl))
        leg.reEntryOnStopLoss = { typeVersion: 1, type: s.reSl, count: s.reSlCount };
      if (s.target && ok(s.reTarget))
        leg.reEntryOnTarget = { typeVersion: 1, type: s.reTarget, count: s.reTargetCount };
    }
    return leg;
  });
  if (allowReEntry) {
    // Lazy legs are opened by the leg before them, so links always point forward (no cycles).
    seeds.forEach((s, i) => {
      if (i === 0 || !s.lazy) return;
      const opener = legs[i - 1];
      opener.stopLoss ??= { typeVersion: 1, type: 'points', value: 10 };
      opener.reEntryOnStopLoss = { typeVersion: 1, type: 'lazy', leg: `leg${i}` };
      legs[i].lazy = true;
    });
  }
  for (const leg of legs) {
    // A premium cannot fall below 0: BUY stops and SELL targets in % stay under 100 (already < 99 here).
    if (leg.side === 'BUY' && leg.stopLoss?.type === 'pct')
      leg.stopLoss.value = Math.min(leg.stopLoss.value, 99);
  }
  return legs;
}

function valueFor(f: FactSpec, op: (typeof OPERATORS)[number]): fc.Arbitrary<unknown> {
  const scalar: fc.Arbitrary<unknown> =
    f.kind === 'number'
      ? num(-1e6, 1e6)
      : f.kind === 'time'
        ? fc.oneof(int(0, 1439), int(0, 1439).map(hhmm))
        : f.kind === 'weekday'
          ? fc.constantFrom(...WEEKDAYS)
          : fc.constantFrom(...REGIMES);
  if (op.value === 'list') return fc.array(scalar, { minLength: 1, maxLength: 4 });
  if (op.value === 'range') {
    if (f.kind === 'time')
      return fc
        .tuple(int(0, 1439), int(0, 1439))
        .map(([a, b]) => [a, b].sort((x, y) => x - y).map(hhmm));
    return fc
      .tuple(num(-1e6, 1e6), num(-1e6, 1e6))
      .map(([a, b]) => [Math.min(a, b), Math.max(a, b)]);
  }
  return scalar;
}

const factConditionArb = (legIds: string[]): fc.Arbitrary<MutableJson> =>
  fc
    .constantFrom(...FACTS.filter((f) => f.name !== 'legPnl' || legIds.length > 0))
    .chain((f) =>
      fc.constantFrom(...OPERATORS.filter((o) => o.kinds.includes(f.kind))).chain((op) =>
        fc.record({
          fact: fc.constant(f.name),
          operator: fc.constant(op.name),
          value: valueFor(f, op),
          params:
            f.name === 'legPnl'
              ? fc.constantFrom(...legIds).map((leg) => ({ leg }))
              : f.params.length
                ? opt(int(5, 1000).map((lookbackDays) => ({ lookbackDays })))
                : fc.constant(undefined),
          priority: opt(int(1, 10)),
        }),
      ),
    )
    .map(clean);

const conditionArb = (legIds: string[]): fc.Arbitrary<MutableJson> =>
  fc.letrec<{ node: MutableJson }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      factConditionArb(legIds),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  })).node;

const ruleArb = (legIds: string[]) =>
  fc
    .record({
      name: opt(fc.string({ maxLength: 20 })),
      priority: opt(int(1, 5)),
      conditions: fc.oneof(
        fc.array(conditionArb(legIds), { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
        fc.array(conditionArb(legIds), { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
        conditionArb(legIds).map((not) => ({ not })),
      ),
      event: fc
        .record({
          type: fc.string({ minLength: 1, maxLength: 20 }),
          params: opt(
            fc.dictionary(
              fc.string({ maxLength: 8 }),
              fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
              { maxKeys: 3 },
            ),
          ),
        })
        .map(clean),
    })
    .map(clean);

const regimeMultipliersArb = opt(
  fc.record(
    Object.fromEntries(REGIMES.map((r) => [r, num(0, 10)])) as Record<string, fc.Arbitrary<number>>,
    { requiredKeys: [] },
  ),
);

const sizingArb = v1(
  fc.oneof(
    fc.record({ method: fc.constant('fixed'), multiplier: int(1, 10000) }),
    fc.record({
      method: fc.constant('capitalPct'),
      pct: num(0.1, 100),
      capitalPerSet: num(1, 1e6),
    }),
    fc.record({ method: fc.constant('riskPerTrade'), riskPct: num(0.1, 100) }),
    fc.record({ method: fc.constant('riskPerTrade'), riskAmount: num(1, 1e6) }),
    fc.record({
      method: fc.constant('kelly'),
      winRate: num(0.01, 0.99),
      payoff: num(0.1, 10),
      fraction: num(0.01, 1),
      capitalPerSet: num(1, 1e6),
    }),
  ),
).chain((s) =>
  fc
    .record({ maxMultiplier: opt(int(1, 10000)), regimeMultipliers: regimeMultipliersArb })
    .map((extra) => clean({ ...s, ...extra })),
);

const strategyArb = (index: number, underlying: string): fc.Arbitrary<MutableJson> =>
  fc
    .record({
      entry: int(0, 1300),
      span: int(5, 139),
      weekdays: opt(fc.shuffledSubarray([...WEEKDAYS], { minLength: 1 })),
      dte: opt(
        fc.tuple(
          opt(int(0, 30)),
          opt(int(0, 30)),
          opt(fc.record({ kind: fc.constantFrom('weekly', 'monthly'), offset: int(0, 3) })),
        ),
      ),
      legSeeds: fc.array(legSeedArb, { minLength: 1, maxLength: 6 }),
      squareOff: opt(fc.constantFrom('partial', 'complete')),
      stopLoss: opt(
        v1(fc.record({ type: fc.constantFrom('mtm', 'premiumPct'), value: num(1, 1e5) })),
      ),
      target: opt(
        v1(fc.record({ type: fc.constantFrom('mtm', 'premiumPct'), value: num(1, 1e5) })),
      ),
      protection: fc.constantFrom('none', 'lock', 'lockAndTrail', 'trailingStop'),
      reach: num(100, 1e5),
      lockFrac: num(0, 0.99),
      every: num(1, 1000),
      by: num(1, 1000),
      breakEven: opt(v1(fc.record({ scope: fc.constantFrom('allLegs', 'slLegs') }))),
      trigger: fc.constantFrom('none', 'momentum', 'rangeBreakout'),
      momentum: momentumArb,
      range: fc.record({
        a: num(0, 1),
        b: num(0, 1),
        side: fc.constantFrom('high', 'low'),
        on: fc.constantFrom('underlying', 'strike'),
      }),
      sizing: opt(sizingArb),
      reSl: opt(fc.record({ type: fc.constantFrom('asap', 'momentum'), count: int(1, 20) })),
      reTarget: opt(fc.record({ type: fc.constantFrom('asap', 'momentum'), count: int(1, 20) })),
      noReEntryAfter: opt(num(0.01, 1)),
      stopMonitoringAfter: opt(num(0.01, 1)),
      withConditions: fc.boolean(),
      hedge: opt(
        fc.record({
          band: opt(num(0, 1000)),
          interval: opt(int(1, 1440)),
          targetDelta: opt(num(-1000, 1000)),
          offset: opt(int(0, 2)),
          minTradeLots: opt(int(1, 10)),
          maxExtra: opt(int(0, 50)),
          costLimitPct: opt(num(0.01, 1000)),
        }),
      ),
      name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim().length > 0),
    })
    .chain((g) => {
      const exit = Math.min(1439, g.entry + g.span);
      const complete = g.squareOff === 'complete';
      const legs = buildLegs(g.legSeeds, !complete);
      const legIds = legs.map((l) => l.id);
      const s: MutableJson = clean({
        typeVersion: 1,
        id: `s${index}`,
        name: g.name,
        underlying,
        entry: clean({ time: hhmm(g.entry), weekdays: g.weekdays }),
        exit: { time: hhmm(exit) },
        legs,
        squareOff: g.squareOff,
        stopLoss: g.stopLoss,
        target: g.target,
        trailToBreakEven: g.breakEven,
        sizing: g.sizing,
      });
      if (g.dte) {
        const [a, b, expiry] = g.dte;
        if (a !== undefined || b !== undefined)
          s.daysToExpiry = clean({
            min: a !== undefined && b !== undefined ? Math.min(a, b) : a,
            max: a !== undefined && b !== undefined ? Math.max(a, b) : b,
            expiry,
          });
      }
      const lockProfit = Math.floor(g.reach * g.lockFrac);
      if (g.protection === 'lock') s.lock = { typeVersion: 1, reachProfit: g.reach, lockProfit };
      if (g.protection === 'lockAndTrail')
        s.lockAndTrail = {
          typeVersion: 1,
          reachProfit: g.reach,
          lockProfit,
          everyIncrease: g.every,
          trailBy: g.by,
        };
      if (g.protection === 'trailingStop' && s.stopLoss)
        s.trailingStop = { typeVersion: 1, every: g.every, by: g.by };
      if (g.trigger === 'momentum') s.momentum = g.momentum;
      if (g.trigger === 'rangeBreakout' && exit - g.entry >= 3) {
        const start = g.entry + Math.floor(g.range.a * (exit - g.entry - 2));
        const end = start + 1 + Math.floor(g.range.b * (exit - 1 - start - 1));
        s.rangeBreakout = {
          typeVersion: 1,
          start: hhmm(start),
          end: hhmm(end),
          side: g.range.side,
          on: g.range.on,
        };
      }
      const reOk = (r: { type: string } | undefined) => r && (r.type !== 'momentum' || s.momentum);
      if (s.stopLoss && reOk(g.reSl)) s.reEntryOnStopLoss = { typeVersion: 1, ...g.reSl };
      if (s.target && reOk(g.reTarget)) s.reEntryOnTarget = { typeVersion: 1, ...g.reTarget };
      const at = (f: number | undefined) =>
        f === undefined ? undefined : hhmm(g.entry + Math.max(1, Math.ceil(f * (exit - g.entry))));
      if (g.noReEntryAfter !== undefined) s.noReEntryAfter = at(g.noReEntryAfter);
      if (g.stopMonitoringAfter !== undefined) s.stopMonitoringAfter = at(g.stopMonitoringAfter);
      const futures = findInstrument(underlying)?.futureExpiries ?? [];
      if (g.hedge && futures.length) {
        // Only where futures are listed, with a band a whole lot can reach.
        const half = (findInstrument(underlying)?.lotSize ?? 1) / 2;
        const h = g.hedge;
        s.deltaHedge = clean({
          typeVersion: 1,
          expiry: h.offset === undefined ? undefined : { kind: futures[futures.length - 1], offset: h.offset }, // prettier-ignore
          targetDelta: h.targetDelta,
          band: h.band === undefined && h.interval === undefined ? half : h.band === undefined ? undefined : half + h.band, // prettier-ignore
          intervalMinutes: h.interval,
          minTradeLots: h.minTradeLots,
          maxLots: h.maxExtra === undefined ? undefined : (h.minTradeLots ?? 1) + h.maxExtra,
          costLimitPct: h.costLimitPct,
        });
      }
      if (s.sizing?.method === 'riskPerTrade') {
        for (const leg of legs)
          if (
            !leg.lazy &&
            !(leg.stopLoss && ['points', 'pct', 'premium'].includes(leg.stopLoss.type))
          )
            leg.stopLoss = { typeVersion: 1, type: 'points', value: 5 };
        for (const leg of legs) if (leg.trailingStop && !leg.stopLoss) delete leg.trailingStop;
      }
      if (!g.withConditions) return fc.constant(s);
      return fc
        .record({
          filters: opt(fc.array(ruleArb(legIds), { maxLength: 2 })),
          entry: opt(fc.array(ruleArb(legIds), { maxLength: 2 })),
          exit: opt(fc.array(ruleArb(legIds), { maxLength: 2 })),
        })
        .map((c) => ({ ...s, conditions: clean({ typeVersion: 1, ...c }) }));
    });

export const documentArb: fc.Arbitrary<MutableJson> = fc
  .record({
    first: fc.constantFrom(...UNDERLYING_SYMBOLS),
    count: int(1, 3),
    capital: num(1, 1e9),
    deployablePct: opt(num(0.1, 100)),
    maxDailyLoss: opt(
      fc.oneof(
        fc.record({ type: fc.constant('amount'), value: num(1, 1e6) }),
        fc.record({ type: fc.constant('pct'), value: num(0.1, 100) }),
      ),
    ),
    maxDrawdownPct: opt(num(0.1, 100)),
    execution: opt(
      fc
        .oneof(
          fc.record({ trigger: fc.constant('ltp') }),
          fc.record({
            trigger: fc.constant('candleClose'),
            candleMinutes: fc.constantFrom(1, 3, 5, 15),
          }),
        )
        .chain((e) =>
          fc
            .record({
              slippage: opt(
                fc.record({ type: fc.constantFrom('points', 'pct'), value: num(0, 10) }),
              ),
              costModel: opt(
                fc.oneof(
                  fc.constant({ type: 'none' }),
                  fc
                    .record({
                      type: fc.constant('fixed'),
                      perOrder: opt(num(0, 100)),
                      perLot: opt(num(0, 100)),
                      pctOfTurnover: opt(num(0, 5)),
                    })
                    .map(clean),
                ),
              ),
            })
            .map((x) => clean({ typeVersion: 1, ...e, ...x })),
        ),
    ),
    description: opt(fc.string({ maxLength: 100 })),
  })
  .chain((b) => {
    const sameCurrency = UNDERLYING_SYMBOLS.filter((u) => currencyOf(u) === currencyOf(b.first));
    return fc
      .tuple(
        ...Array.from({ length: b.count }, (_, i) =>
          (i === 0 ? fc.constant(b.first) : fc.constantFrom(...sameCurrency)).chain((u) =>
            strategyArb(i, u),
          ),
        ),
      )
      .map((strategies) => ({
        dslVersion: 1,
        basket: clean({
          typeVersion: 1,
          name: 'Generated',
          description: b.description,
          capital: b.capital,
          deployablePct: b.deployablePct,
          maxDailyLoss: b.maxDailyLoss,
          maxDrawdownPct: b.maxDrawdownPct,
          execution: b.execution,
          strategies,
        }),
      }));
  });
