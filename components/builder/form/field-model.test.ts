import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeObject, humanize, initialValue, withUnit, type JsonSchema } from './field-model';

const jsonOf = (s: z.ZodType) =>
  z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

describe('inspector fields from a zod schema', () => {
  const Leg = z.strictObject({
    typeVersion: z.literal(1),
    side: z.enum(['BUY', 'SELL']).describe('Buy or sell the option'),
    lots: z.int().min(1).max(1000).meta({ unit: 'lots', description: 'Number of lots' }),
    stopLossPct: z.number().gt(0).lte(100).optional(),
    weekdays: z.array(z.enum(['MON', 'TUE', 'WED'])).min(1),
    exit: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .describe('Exit time, HH:MM'),
    hedge: z.boolean().default(false),
    strike: z.discriminatedUnion('type', [
      z.strictObject({ type: z.literal('atm') }),
      z.strictObject({ type: z.literal('otm'), steps: z.int().min(1).max(50) }),
    ]),
  });
  const fields = describeObject(jsonOf(Leg));
  const byKey = Object.fromEntries(fields.map((f) => [f.key, f]));

  it('takes labels, help and units from the schema', () => {
    expect(byKey.lots).toMatchObject({
      kind: 'number',
      label: 'Lots',
      unit: 'lots',
      help: 'Number of lots',
      integer: true,
      min: 1,
      max: 1000,
      required: true,
    });
    expect(byKey.stopLossPct).toMatchObject({
      kind: 'number',
      label: 'Stop loss %',
      exclusiveMin: 0,
      max: 100,
      required: false,
    });
    expect(byKey.side).toMatchObject({
      kind: 'select',
      help: 'Buy or sell the option',
      options: [
        { value: 'BUY', label: 'BUY' },
        { value: 'SELL', label: 'SELL' },
      ],
    });
  });

  it('turns an array of choices into a multi-select and HH:MM strings into text with a hint', () => {
    expect(byKey.weekdays).toMatchObject({
      kind: 'multiselect',
      minItems: 1,
      options: [{ value: 'MON' }, { value: 'TUE' }, { value: 'WED' }],
    });
    expect(byKey.exit).toMatchObject({ kind: 'text', placeholder: 'HH:MM' });
    expect(byKey.typeVersion).toMatchObject({ kind: 'constant', value: 1 });
  });

  it('offers a discriminated union as a choice of variants', () => {
    expect(byKey.strike.kind).toBe('union');
    if (byKey.strike.kind !== 'union') return;
    expect(byKey.strike.discriminator).toBe('type');
    expect(byKey.strike.variants.map((v) => v.value)).toEqual(['atm', 'otm']);
  });

  it('builds a starting value that fills required fields with defaults or first choices', () => {
    const schema = jsonOf(Leg);
    expect(initialValue(schema, schema)).toEqual({
      typeVersion: 1,
      side: 'BUY',
      lots: 1,
      weekdays: [],
      exit: '',
      hedge: false,
      strike: { type: 'atm' },
    });
  });

  it('reads acronyms the way a trader writes them', () => {
    expect(humanize('atmFrom')).toBe('ATM from');
    expect(humanize('maxDailyLossPct')).toBe('Max daily loss %');
    expect(humanize('ivRankLookbackDays')).toBe('IV rank lookback days');
    expect(humanize('pctOfAtm')).toBe('% of ATM');
    expect(humanize('otm')).toBe('OTM');
    expect(humanize('ATMStraddle')).toBe('ATM straddle');
  });
});

describe('units of a level', () => {
  const value = describeObject(
    jsonOf(
      z.strictObject({ type: z.enum(['points', 'pct', 'mtm']), value: z.number().positive() }),
    ),
  ).find((f) => f.key === 'value')!;
  it('follows the chosen type, so "30" reads as 30 % or 30 points', () => {
    expect(withUnit(value, { type: 'pct', value: 30 }).unit).toBe('%');
    expect(withUnit(value, { type: 'points', value: 30 }).unit).toBe('points');
    expect(withUnit(value, { type: 'mtm', value: 30 }).unit).toBe('money');
    expect(withUnit(value, {}).unit).toBeUndefined();
  });
});
