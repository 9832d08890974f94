/**
 * Parameter sweeps: a grid of values over a few fields of a strategy document (stop-loss %,
 * target %, entry and exit time, strike offset from ATM, lots), each combination a whole
 * backtest. A field applies to every strategy of the basket, or to one named strategy. The grid
 * is bounded (MAX_COMBINATIONS) and every combination must still be a valid document: both are
 * checked before anything runs, with an error that names the field and the fix.
 */
import { z } from 'zod';
import { parseDsl, type DslDocument } from '../dsl/index.ts';

export const MAX_COMBINATIONS = 400;
export const MAX_FIELDS = 3;
export const MAX_VALUES = 40;

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time as HH:MM (exchange time)');

/** The fields a sweep can vary, their value types, and what they change. */
export const SWEEP_FIELDS = {
  stopLossPct: {
    label: 'Stop-loss %',
    value: z.number().positive().max(1000),
    describe: "every leg's stop-loss, in % of its entry premium",
  },
  targetPct: {
    label: 'Target %',
    value: z.number().positive().max(1000),
    describe: "every leg's target, in % of its entry premium",
  },
  entryTime: { label: 'Entry time', value: Time, describe: 'the entry time of the strategy' },
  exitTime: { label: 'Exit time', value: Time, describe: 'the exit time of the strategy' },
  strikeOffset: {
    label: 'Strike offset (steps from ATM)',
    value: z.int().min(-50).max(50),
    describe:
      'every ATM/ITM/OTM leg: 0 is ATM, +n is n strikes out of the money, -n is n strikes in the money',
  },
  lots: { label: 'Lots', value: z.int().min(1).max(1000), describe: "every leg's lots" },
} as const;
export type SweepField = keyof typeof SWEEP_FIELDS;
const FIELD_NAMES = Object.keys(SWEEP_FIELDS) as [SweepField, ...SweepField[]];

export const SweepAxisSchema = z
  .strictObject({
    field: z.enum(FIELD_NAMES, {
      message: `a field to sweep: one of ${FIELD_NAMES.join(', ')}`,
    }),
    /** Only this strategy of the basket (by id); absent: every strategy. */
    strategyId: z.string().min(1).max(64).optional(),
    values: z
      .array(z.union([z.number(), z.string().max(5)]))
      .min(1, 'give at least one value')
      .max(MAX_VALUES, `at most ${MAX_VALUES} values per field`),
  })
  .superRefine((a, ctx) => {
    const schema = SWEEP_FIELDS[a.field].value as z.ZodType;
    a.values.forEach((v, i) => {
      const r = schema.safeParse(v);
      if (!r.success)
        ctx.addIssue({
          code: 'custom',
          path: ['values', i],
          message: `${SWEEP_FIELDS[a.field].label}: ${JSON.stringify(v)} is not valid (${r.error.issues[0].message})`,
        });
    });
    if (new Set(a.values.map(String)).size !== a.values.length)
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'a value is given twice' });
  });
export type SweepAxis = z.infer<typeof SweepAxisSchema>;

export const SweepSpecSchema = z
  .strictObject({
    axes: z
      .array(SweepAxisSchema)
      .min(1, 'choose at least one field to sweep')
      .max(MAX_FIELDS, `sweep at most ${MAX_FIELDS} fields at once`),
    /** Share of the sessions, at the end, kept out of the choice and used to judge it. */
    outOfSamplePct: z.int().min(10).max(50).default(30),
  })
  .superRefine((s, ctx) => {
    const keys = s.axes.map((a) => `${a.field}:${a.strategyId ?? '*'}`);
    if (new Set(keys).size !== keys.length)
      ctx.addIssue({ code: 'custom', path: ['axes'], message: 'a field is swept twice' });
  });
export type SweepSpec = z.infer<typeof SweepSpecSchema>;
export type SweepSpecInput = z.input<typeof SweepSpecSchema>;

/** One point of the grid: a value per axis, in the axes' order. */
export type Combination = (number | string)[];

export function combinationCount(spec: Pick<SweepSpec, 'axes'>): number {
  return spec.axes.reduce((n, a) => n * a.values.length, 1);
}

/** Every combination, the last axis varying fastest. Throws past MAX_COMBINATIONS. */
export function combinations(spec: Pick<SweepSpec, 'axes'>, max = MAX_COMBINATIONS): Combination[] {
  const n = combinationCount(spec);
  if (n > max)
    throw new Error(
      `the grid has ${n} combinations (${spec.axes.map((a) => `${a.values.length} ${SWEEP_FIELDS[a.field].label}`).join(' x ')}); a sweep runs at most ${max}: drop values or a field`,
    );
  let out: Combination[] = [[]];
  for (const a of spec.axes) out = out.flatMap((c) => a.values.map((v) => [...c, v]));
  return out;
}

type Json = Record<string, unknown>;

/** The strategies an axis changes, or an error naming the missing strategy. */
function strategiesOf(doc: Json, axis: SweepAxis): Json[] {
  const all = (doc.basket as { strategies: Json[] }).strategies;
  if (!axis.strategyId) return all;
  const s = all.filter((x) => x.id === axis.strategyId);
  if (s.length === 0)
    throw new Error(
      `the basket has no strategy "${axis.strategyId}" (it has ${all.map((x) => x.id).join(', ')})`,
    );
  return s;
}

function setOn(doc: Json, axis: SweepAxis, value: number | string): void {
  const strategies = strategiesOf(doc, axis);
  const legs = strategies.flatMap((s) => s.legs as Json[]);
  switch (axis.field) {
    case 'stopLossPct':
      for (const l of legs) l.stopLoss = { typeVersion: 1, type: 'pct', value };
      return;
    case 'targetPct':
      for (const l of legs) l.target = { typeVersion: 1, type: 'pct', value };
      return;
    case 'entryTime':
      for (const s of strategies) s.entry = { ...(s.entry as Json), time: value };
      return;
    case 'exitTime':
      for (const s of strategies) s.exit = { ...(s.exit as Json), time: value };
      return;
    case 'lots':
      for (const l of legs) l.lots = value;
      return;
    case 'strikeOffset': {
      const n = Number(value);
      const moved = legs.filter((l) => ['atm', 'itm', 'otm'].includes((l.strike as Json).type as string)); // prettier-ignore
      if (moved.length === 0)
        throw new Error(
          'strike offset moves legs chosen at, in or out of the money; no leg of these strategies is (they pick strikes by premium, delta or price)',
        );
      for (const l of moved) {
        const { atmFrom, typeVersion } = l.strike as Json;
        const from = atmFrom === undefined ? {} : { atmFrom };
        l.strike =
          n === 0
            ? { typeVersion, type: 'atm', ...from }
            : { typeVersion, type: n > 0 ? 'otm' : 'itm', steps: Math.abs(n), ...from };
      }
      return;
    }
  }
}

/** The document with one combination applied; throws when the result is not a valid strategy. */
export function applyCombination(
  doc: DslDocument,
  spec: Pick<SweepSpec, 'axes'>,
  combo: Combination,
): DslDocument {
  const json = structuredClone(doc) as unknown as Json;
  spec.axes.forEach((a, i) => setOn(json, a, combo[i]));
  const r = parseDsl(json);
  if (!r.ok)
    throw new Error(
      `${describeCombination(spec, combo)} is not a valid strategy: ${r.errors
        .slice(0, 2)
        .map((e) => `${e.path || '/'}: ${e.message}`)
        .join('; ')}`,
    );
  return r.value;
}

export function describeCombination(spec: Pick<SweepSpec, 'axes'>, combo: Combination): string {
  return spec.axes
    .map(
      (a, i) =>
        `${SWEEP_FIELDS[a.field].label}${a.strategyId ? ` (${a.strategyId})` : ''} ${combo[i]}`,
    ) // prettier-ignore
    .join(', ');
}

/** Checks the whole grid before anything runs: its size, and that every combination is valid. */
export function checkGrid(doc: DslDocument, spec: SweepSpec): Combination[] {
  const all = combinations(spec);
  for (const c of all) applyCombination(doc, spec, c);
  return all;
}
