// The condition language runs on json-rules-engine exactly as docs/dsl.md says: registered facts, custom operators, "HH:MM" times, crossings.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Engine } from 'json-rules-engine';
import { describe, expect, it } from 'vitest';
import {
  CUSTOM_OPERATORS,
  CUSTOM_OPERATOR_IMPLEMENTATIONS,
  FACTS,
  OPERATORS,
  RuleSchema,
  parseDsl,
  toEngineRule,
  type Crossing,
  type Rule,
} from './index.ts';

function engineFor(
  rules: Rule[],
  facts: Record<string, unknown>,
  previous: Record<string, number> = {},
) {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, fn] of Object.entries(CUSTOM_OPERATOR_IMPLEMENTATIONS))
    engine.addOperator(name, fn);
  for (const f of FACTS) {
    engine.addFact(f.name, (params: Record<string, unknown> | undefined) => {
      const key = f.name === 'legPnl' ? `legPnl:${String(params?.leg)}` : f.name;
      if (params?.crossing)
        return {
          previous: previous[key],
          current: facts[key] as number | undefined,
        } satisfies Crossing;
      return facts[key];
    });
  }
  for (const r of rules) engine.addRule(toEngineRule(r) as never);
  return engine;
}

async function fired(
  rules: Rule[],
  facts: Record<string, unknown>,
  previous?: Record<string, number>,
): Promise<string[]> {
  const { events } = await engineFor(rules, facts, previous).run();
  return events.map((e) => e.type).sort();
}

const parseRule = (r: unknown) => RuleSchema.parse(r);

describe('condition language on json-rules-engine', () => {
  it('exports every custom operator with an implementation and every operator applies to some fact', () => {
    expect(CUSTOM_OPERATORS.map((o) => o.name).sort()).toEqual(
      Object.keys(CUSTOM_OPERATOR_IMPLEMENTATIONS).sort(),
    );
    for (const op of OPERATORS) expect(FACTS.some((f) => op.kinds.includes(f.kind))).toBe(true);
  });

  it('"HH:MM" and minutes mean the same time of day', async () => {
    const r = (value: unknown) =>
      parseRule({
        conditions: { all: [{ fact: 'timeOfDay', operator: 'greaterThanInclusive', value }] },
        event: { type: String(value) },
      });
    expect(await fired([r('09:30'), r(570), r('09:31')], { timeOfDay: 570 })).toEqual([
      '09:30',
      '570',
    ]);
  });

  it('between is inclusive and notBetween is its complement, also for times', async () => {
    const rules = [
      parseRule({
        conditions: { all: [{ fact: 'vix', operator: 'between', value: [12, 18] }] },
        event: { type: 'in' },
      }),
      parseRule({
        conditions: { all: [{ fact: 'vix', operator: 'notBetween', value: [12, 18] }] },
        event: { type: 'out' },
      }),
      parseRule({
        conditions: {
          all: [{ fact: 'timeOfDay', operator: 'between', value: ['10:30', '13:00'] }],
        },
        event: { type: 'window' },
      }),
    ];
    expect(await fired(rules, { vix: 12, timeOfDay: 780 })).toEqual(['in', 'window']);
    expect(await fired(rules, { vix: 18.01, timeOfDay: 781 })).toEqual(['out']);
  });

  it('crossesAbove fires only when the previous value was below and the current is at or above', async () => {
    const rules = [
      parseRule({
        conditions: { all: [{ fact: 'spotChangePct', operator: 'crossesAbove', value: 0.2 }] },
        event: { type: 'up' },
      }),
    ];
    expect(await fired(rules, { spotChangePct: 0.2 }, { spotChangePct: 0.1 })).toEqual(['up']);
    expect(await fired(rules, { spotChangePct: 0.3 }, { spotChangePct: 0.2 })).toEqual([]);
    expect(await fired(rules, { spotChangePct: 0.5 }, {})).toEqual([]);
  });

  it('crossesBelow fires only when the previous value was above and the current is at or below', async () => {
    const rules = [
      parseRule({
        conditions: { all: [{ fact: 'strategyMtm', operator: 'crossesBelow', value: -1000 }] },
        event: { type: 'down' },
      }),
    ];
    expect(await fired(rules, { strategyMtm: -1000 }, { strategyMtm: -999 })).toEqual(['down']);
    expect(await fired(rules, { strategyMtm: -1200 }, { strategyMtm: -1001 })).toEqual([]);
  });

  it('a missing fact makes its condition false', async () => {
    const rules = [
      parseRule({
        conditions: { all: [{ fact: 'vix', operator: 'lessThan', value: 20 }] },
        event: { type: 'calm' },
      }),
    ];
    expect(await fired(rules, {})).toEqual([]);
    expect(await fired(rules, { vix: 13 })).toEqual(['calm']);
  });

  it('legPnl reads the leg named in params', async () => {
    const rules = [
      parseRule({
        conditions: {
          any: [
            { fact: 'legPnl', operator: 'lessThanInclusive', value: -5000, params: { leg: 'pe' } },
          ],
        },
        event: { type: 'cut' },
      }),
    ];
    expect(await fired(rules, { 'legPnl:pe': -5000, 'legPnl:ce': 0 })).toEqual(['cut']);
    expect(await fired(rules, { 'legPnl:pe': -10, 'legPnl:ce': -9000 })).toEqual([]);
  });

  it('the SPX example filter passes on a calm Monday expiry and fails when VIX is high', async () => {
    const doc = JSON.parse(
      readFileSync(path.join(import.meta.dirname, 'examples/spx-conditions-showcase.json'), 'utf8'),
    );
    const parsed = parseDsl(doc);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const filters = parsed.value.basket.strategies[0].conditions!.filters;
    const calm = {
      vix: 15,
      vixRank: 30,
      atmIv: 14,
      hv: 11,
      regime: 'neutral',
      weekday: 'MON',
      daysToExpiry: 0,
    };
    expect(await fired(filters, calm)).toEqual(['calm']);
    expect(await fired(filters, { ...calm, vix: 30 })).toEqual([]);
    expect(await fired(filters, { ...calm, hv: 20 })).toEqual([]);
  });

  it('every rule in the examples is accepted by json-rules-engine', async () => {
    const dir = path.join(import.meta.dirname, 'examples');
    let count = 0;
    for (const f of readdirSync(dir)) {
      const parsed = parseDsl(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
      if (!parsed.ok) throw new Error(`${f}: ${JSON.stringify(parsed.errors)}`);
      for (const s of parsed.value.basket.strategies) {
        const rules = s.conditions
          ? [...s.conditions.filters, ...s.conditions.entry, ...s.conditions.exit]
          : [];
        count += rules.length;
        await engineFor(rules, {}).run();
      }
    }
    expect(count).toBeGreaterThanOrEqual(6);
  });
});
