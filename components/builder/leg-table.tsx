'use client';
/**
 * The leg table: an AlgoTest-style grid of legs (side, right, lots, expiry, strike rule, SL,
 * target, trailing, re-entry) beside the canvas. It edits the same graph document as the canvas
 * (one document, two views) and shows the same problems, so an edit in either shows at once in
 * the other. Presets insert whole structures in one click.
 */
import { useId, useState } from 'react';
import { UNDERLYING_SYMBOLS, WEEKDAYS } from '@/engine/dsl';
import {
  describeLeg,
  describeRule,
  describeWeekdays,
  marketOf,
  timeZoneLabel,
} from '@/engine/dsl/describe';
import { findInstrument } from '@/engine/market/instruments';
import type { Problem } from './catalog';
import { ConditionsEditor, type FieldErrors } from './conditions-editor';
import type { GraphNode } from './graph-types';
import {
  addLegs,
  combine,
  moveLeg,
  patchData,
  removeLeg,
  setLegChild,
  setStrategyChild,
  setUnderlying,
  type EditContext,
} from './leg-edits';
import {
  subtree,
  type GraphChange,
  type LegChild,
  type LegView,
  type LegsModel,
  type StrategyView,
} from './leg-model';
import { PRESETS } from './presets';
import type { Warning } from './warnings';
import { ctl, NumberCell } from './leg-table-cells';
import { HedgeSection } from './leg-table-hedge';

const btn =
  'rounded border border-zinc-700 px-2 py-0.5 text-xs text-zinc-200 hover:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 disabled:opacity-40';

export type LegTableProps = {
  model: LegsModel;
  ctx: EditContext;
  problems: Problem[];
  warnings: Warning[];
  readOnly?: boolean;
  onChange: (change: GraphChange, key?: string, select?: string[]) => void;
  /** Highlights blocks on the canvas (the leg a row is about). */
  onHighlight: (nodeIds: string[]) => void;
  onAnnounce: (text: string) => void;
};

const EMPTY_CONDITIONS = { filters: [], entry: [], exit: [] };

const EXPIRIES = [
  ['weekly:0', 'This week'],
  ['weekly:1', 'Next week'],
  ['weekly:2', 'Week +2'],
  ['monthly:0', 'This month'],
  ['monthly:1', 'Next month'],
  ['monthly:2', 'Month +2'],
] as const;

const STRIKES: {
  type: string;
  label: string;
  params: { key: string; label: string; step?: number; dflt: number }[];
}[] = [
  { type: 'atm', label: 'ATM', params: [] },
  { type: 'otm', label: 'OTM', params: [{ key: 'steps', label: 'steps', step: 1, dflt: 1 }] },
  { type: 'itm', label: 'ITM', params: [{ key: 'steps', label: 'steps', step: 1, dflt: 1 }] },
  {
    type: 'closestDelta',
    label: 'Delta ≈',
    params: [{ key: 'delta', label: 'delta', step: 0.05, dflt: 0.25 }],
  },
  {
    type: 'deltaRange',
    label: 'Delta range',
    params: [
      { key: 'min', label: 'min delta', step: 0.05, dflt: 0.15 },
      { key: 'max', label: 'max delta', step: 0.05, dflt: 0.3 },
    ],
  },
  {
    type: 'closestPremium',
    label: 'Premium ≈',
    params: [{ key: 'premium', label: 'premium', dflt: 50 }],
  },
  {
    type: 'premiumAtLeast',
    label: 'Premium ≥',
    params: [{ key: 'premium', label: 'premium', dflt: 50 }],
  },
  {
    type: 'premiumAtMost',
    label: 'Premium ≤',
    params: [{ key: 'premium', label: 'premium', dflt: 50 }],
  },
  {
    type: 'premiumRange',
    label: 'Premium range',
    params: [
      { key: 'min', label: 'min premium', dflt: 40 },
      { key: 'max', label: 'max premium', dflt: 60 },
    ],
  },
  {
    type: 'straddleWidth',
    label: 'Straddle width',
    params: [{ key: 'width', label: 'width ×', step: 0.25, dflt: 0.5 }],
  },
  {
    type: 'pctOfAtm',
    label: '% of ATM',
    params: [{ key: 'factor', label: 'factor', step: 0.005, dflt: 1.01 }],
  },
  {
    type: 'atmStraddlePremiumPct',
    label: '% of straddle',
    params: [{ key: 'pct', label: '% of ATM straddle', dflt: 50 }],
  },
  { type: 'exact', label: 'Exact strike', params: [{ key: 'strike', label: 'strike', dflt: 0 }] },
];
const ATM_FROM_TYPES = new Set([
  'atm',
  'itm',
  'otm',
  'straddleWidth',
  'pctOfAtm',
  'atmStraddlePremiumPct',
]);

const LEVELS = [
  ['pct', '% prem'],
  ['points', 'pts'],
  ['premium', 'at prem'],
  ['underlyingPct', 'U %'],
  ['underlyingPoints', 'U pts'],
] as const;
const LEVEL_DEFAULT: Record<string, Record<string, number>> = {
  stopLoss: { pct: 30, points: 20, premium: 200, underlyingPct: 1, underlyingPoints: 100 },
  target: { pct: 50, points: 20, premium: 20, underlyingPct: 1, underlyingPoints: 100 },
};

const REENTRIES = [
  ['asap', 'ASAP'],
  ['asapReverse', 'Reverse'],
  ['momentum', 'Momentum'],
  ['cost', 'At cost'],
] as const;

/** "HH:MM" in 24 hours, the exchange's clock; kept as typed until it is a time, then written. */
function TimeCell(props: {
  id: string;
  value: string | undefined;
  invalid: boolean;
  onChange: (t: string) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? props.value ?? '';
  const bad = draft !== null && !/^([01]\d|2[0-3]):[0-5]\d$/.test(draft);
  return (
    <input
      id={props.id}
      inputMode="numeric"
      placeholder="HH:MM"
      maxLength={5}
      className={`${ctl} w-14 font-mono`}
      value={shown}
      aria-invalid={bad || props.invalid || undefined}
      onChange={(e) => {
        setDraft(e.target.value);
        if (/^([01]\d|2[0-3]):[0-5]\d$/.test(e.target.value)) props.onChange(e.target.value);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}

export function LegTable(props: LegTableProps) {
  const { model } = props;
  if (!model.strategies.length)
    return (
      <p className="p-3 text-xs text-zinc-400">
        This graph has no strategy block yet. Add one from Blocks and connect it to the basket; its
        legs then show here.
      </p>
    );
  return (
    <div className="space-y-4 p-2" data-testid="leg-table-panel">
      {model.strategies.map((s, i) => (
        <StrategySection key={s.node.id} {...props} strategy={s} index={i} />
      ))}
    </div>
  );
}

function problemsFor(problems: Problem[], ids: Set<string>) {
  return problems.filter((p) => p.nodeId && ids.has(p.nodeId));
}

function StrategySection(props: LegTableProps & { strategy: StrategyView; index: number }) {
  const { strategy: s, model, ctx, readOnly } = props;
  const uid = useId();
  const [showConditions, setShowConditions] = useState(false);
  const d = s.node.data;
  const underlying = typeof d.underlying === 'string' ? d.underlying : '';
  const entry = (d.entry ?? {}) as { time?: string; weekdays?: string[] };
  const exit = (d.exit ?? {}) as { time?: string };
  const weekdays = entry.weekdays ?? ['MON', 'TUE', 'WED', 'THU', 'FRI'];
  const market = marketOf(underlying);
  const lotSize = findInstrument(underlying)?.lotSize;
  const costModel =
    (model.execution?.data.costModel as { type?: string } | undefined)?.type ?? 'none';
  const conditions = s.children.conditions;
  const legIds = s.legs.map((l) => String(l.node.data.id ?? l.node.id));
  const own = new Set([s.node.id]);
  const headerProblems = problemsFor(props.problems, own);
  const condErrors: FieldErrors = {};
  for (const p of props.problems)
    if (conditions && p.nodeId === conditions.id && p.field)
      (condErrors[p.field] ??= []).push(p.message);

  const strategyField = (patch: Record<string, unknown>, key: string) =>
    props.onChange(patchData(s.node, patch), `${s.node.id}:${key}`);

  return (
    <section
      aria-labelledby={`${uid}-title`}
      className="space-y-2"
      data-testid="leg-table-strategy"
    >
      <h2
        id={`${uid}-title`}
        className="flex items-baseline gap-2 text-sm font-semibold text-zinc-100"
      >
        {model.strategies.length > 1 ? String(d.name ?? `Strategy ${props.index + 1}`) : 'Legs'}
        <span className="text-[11px] font-normal text-zinc-400">
          {s.legs.length} leg{s.legs.length === 1 ? '' : 's'}
          {lotSize ? ` · lot size ${lotSize}` : ''}
        </span>
      </h2>
      <fieldset
        disabled={readOnly}
        className="grid grid-cols-[auto_1fr] items-center gap-x-2 gap-y-1 text-xs"
      >
        <label htmlFor={`${uid}-u`} className="text-zinc-400">
          Underlying
        </label>
        <span className="flex flex-wrap items-center gap-2">
          <select
            id={`${uid}-u`}
            className={ctl}
            value={underlying}
            onChange={(e) => {
              props.onChange(
                setUnderlying(ctx, model, s, e.target.value),
                `${s.node.id}:underlying`,
              );
              const m = marketOf(e.target.value);
              if (m) props.onAnnounce(`Underlying ${e.target.value}; costs follow ${m.label}.`);
            }}
          >
            {UNDERLYING_SYMBOLS.includes(underlying) ? null : (
              <option value={underlying}>{underlying || 'Choose…'}</option>
            )}
            {UNDERLYING_SYMBOLS.map((u) => (
              <option key={u}>{u}</option>
            ))}
          </select>
          <span className="text-[11px] text-zinc-400" data-testid="cost-model">
            costs: {costModel === 'none' ? 'none' : costModel}
            {market && costModel !== market.costModel && costModel !== 'fixed' ? (
              <span className="text-amber-300"> (not {market.label})</span>
            ) : null}
          </span>
        </span>
        <span className="text-zinc-400">Schedule</span>
        <span className="flex flex-wrap items-center gap-1">
          <label htmlFor={`${uid}-in`} className="text-zinc-400">
            enter
          </label>
          <TimeCell
            id={`${uid}-in`}
            value={entry.time}
            invalid={problemsFor(props.problems, own).some((p) => p.field.startsWith('entry'))}
            onChange={(t) => strategyField({ entry: { ...entry, time: t } }, 'entry')}
          />
          <label htmlFor={`${uid}-out`} className="text-zinc-400">
            exit
          </label>
          <TimeCell
            id={`${uid}-out`}
            value={exit.time}
            invalid={problemsFor(props.problems, own).some((p) => p.field.startsWith('exit'))}
            onChange={(t) => strategyField({ exit: { ...exit, time: t } }, 'exit')}
          />
          <span className="text-[11px] text-zinc-400">{timeZoneLabel(underlying)}</span>
        </span>
        <span className="text-zinc-400">Days</span>
        <span
          role="group"
          aria-label={`Trading days: ${describeWeekdays(weekdays)}`}
          className="flex flex-wrap gap-1"
        >
          {WEEKDAYS.map((w) => (
            <label key={w} className="flex items-center gap-0.5 text-[11px] text-zinc-300">
              <input
                type="checkbox"
                className="accent-sky-500"
                checked={weekdays.includes(w)}
                onChange={(e) =>
                  strategyField(
                    {
                      entry: {
                        ...entry,
                        weekdays: WEEKDAYS.filter((x) =>
                          x === w ? e.target.checked : weekdays.includes(x),
                        ),
                      },
                    },
                    'weekdays',
                  )
                }
              />
              {w.slice(0, 1) + w.slice(1).toLowerCase()}
            </label>
          ))}
        </span>
      </fieldset>
      {headerProblems.map((p, i) => (
        <p key={i} className="text-[11px] text-rose-400">
          {p.field ? `${p.field}: ` : ''}
          {p.message}
        </p>
      ))}

      <div className="space-y-1">
        <h3 className="text-[11px] font-medium uppercase tracking-wide text-zinc-400">Add legs</h3>
        <div role="group" aria-label="Presets" className="flex flex-wrap gap-1">
          {PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              className={btn}
              disabled={readOnly}
              title={p.description}
              data-testid={`preset-${p.id}`}
              onClick={() => {
                const { change, legIds: added } = addLegs(ctx, s, p.legs);
                props.onChange(change, undefined, added);
                props.onAnnounce(
                  `Added ${p.label}: ${p.legs.map((l) => describeLeg({ ...l })).join(', ')}.`,
                );
              }}
            >
              {p.label}
            </button>
          ))}
          <button
            type="button"
            className={`${btn} border-sky-800`}
            disabled={readOnly}
            onClick={() => {
              const { change, legIds: added } = addLegs(ctx, s, [
                { side: 'SELL', right: 'CE', lots: 1, strike: { type: 'atm', atmFrom: 'spot' } },
              ]);
              props.onChange(change, undefined, added);
              props.onAnnounce('Added a leg: SELL ATM CE.');
            }}
          >
            + Leg
          </button>
        </div>
      </div>

      {s.legs.length ? (
        <table className="w-full table-fixed border-collapse text-xs" data-testid="leg-table">
          <caption className="sr-only">
            Legs of {String(d.name ?? 'the strategy')}: two rows per leg, the position then its
            exits
          </caption>
          <colgroup>
            <col className="w-6" />
            <col />
          </colgroup>
          <thead className="text-[10px] uppercase tracking-wide text-zinc-400">
            <tr>
              <th scope="col" className="text-left font-medium">
                #
              </th>
              <th scope="col" className="text-left font-medium">
                B/S · Right · Lots · Expiry · Strike — then SL · Target · Trailing · Re-entry after
                SL
              </th>
            </tr>
          </thead>
          {s.legs.map((leg, i) => (
            <LegRows key={leg.node.id} {...props} strategy={s} leg={leg} index={i} />
          ))}
        </table>
      ) : (
        <p className="rounded border border-dashed border-zinc-700 p-3 text-xs text-zinc-400">
          No legs yet: pick a preset above (a straddle is two clicks from done) or add a leg.
        </p>
      )}

      <HedgeSection
        strategy={s}
        underlying={underlying}
        ctx={ctx}
        problems={props.problems}
        readOnly={readOnly}
        onChange={props.onChange}
        onAnnounce={props.onAnnounce}
      />

      <div className="rounded border border-zinc-800">
        <button
          type="button"
          aria-expanded={showConditions}
          className="flex w-full items-center gap-2 px-2 py-1 text-left text-xs text-zinc-300 hover:bg-zinc-900"
          onClick={() => setShowConditions(!showConditions)}
        >
          <span>{showConditions ? '▾' : '▸'}</span>
          <span className="font-medium">Conditions</span>
          <span className="truncate text-zinc-400" data-testid="conditions-summary">
            {conditions ? conditionsSummary(conditions) : 'none: trade every scheduled day'}
          </span>
        </button>
        {showConditions ? (
          <div className="border-t border-zinc-800 p-2">
            <ConditionsEditor
              value={conditions?.data ?? EMPTY_CONDITIONS}
              errors={condErrors}
              legIds={legIds}
              readOnly={readOnly}
              onChange={(next, key) =>
                conditions
                  ? props.onChange(
                      { updateData: [{ id: conditions.id, data: next }] },
                      `${conditions.id}:${key}`,
                    )
                  : // The first rule creates the strategy's conditions block, connected on the canvas.
                    props.onChange(
                      setStrategyChild(ctx, s, 'conditions', 'conditions', next).change,
                    )
              }
            />
          </div>
        ) : null}
      </div>
    </section>
  );
}

function conditionsSummary(n: GraphNode): string {
  const parts: string[] = [];
  for (const [g, w] of [
    ['filters', 'only if'],
    ['entry', 'enter when'],
    ['exit', 'exit when'],
  ] as const) {
    const rules = Array.isArray(n.data[g]) ? (n.data[g] as never[]) : [];
    for (const r of rules) parts.push(`${w} ${describeRule(r)}`);
  }
  return parts.length ? parts.join('; ') : 'no rules yet';
}

function LegRows(props: LegTableProps & { strategy: StrategyView; leg: LegView; index: number }) {
  const { leg, strategy: s, ctx, index: i, readOnly } = props;
  const d = leg.node.data;
  const n = i + 1;
  const ids = new Set(subtree(ctx.doc, leg.node.id));
  const problems = problemsFor(props.problems, ids);
  const warnings = props.warnings.filter((w) => ids.has(w.nodeId));
  const bad = (nodeId: string | undefined, field: string) =>
    !!nodeId &&
    problems.some(
      (p) => p.nodeId === nodeId && (p.field === field || p.field.startsWith(`${field}.`)),
    );
  const key = (k: string) => `${leg.node.id}:${k}`;
  const setLeg = (patch: Record<string, unknown>, k: string) =>
    props.onChange(patchData(leg.node, patch), key(k));
  const setChild = (h: LegChild, data: Record<string, unknown> | null, k: string) =>
    props.onChange(setLegChild(ctx, leg, h, data), key(k));
  const strike = leg.children.strike;
  const strikeType = typeof strike?.data.type === 'string' ? strike.data.type : '';
  const strikeSpec = STRIKES.find((x) => x.type === strikeType);
  const expiry = (d.expiry ?? {}) as { kind?: string; offset?: number };
  const expiryValue = `${expiry.kind ?? 'weekly'}:${expiry.offset ?? 0}`;
  const sl = leg.children.stopLoss;
  const tg = leg.children.target;
  const tr = leg.children.trailingStop;
  const re = leg.children.reEntryOnStopLoss;
  const isFuture = d.instrument === 'future';
  const label = describeLeg({
    side: d.side,
    instrument: d.instrument,
    right: d.right,
    strike: strike?.data,
  });

  const levelCell = (
    h: 'stopLoss' | 'target',
    node: GraphNode | undefined,
    title: string,
    short: string,
  ) => (
    <span className="flex items-center gap-0.5">
      <span aria-hidden className="text-[10px] text-zinc-400">
        {short}
      </span>
      <select
        aria-label={`Leg ${n} ${title} type`}
        className={`${ctl} w-[4.3rem]`}
        value={typeof node?.data.type === 'string' ? node.data.type : ''}
        aria-invalid={bad(node?.id, 'type') || undefined}
        onChange={(e) => {
          const t = e.target.value;
          if (!t) setChild(h, null, `${h}-remove`);
          else if (node) setChild(h, { type: t, value: LEVEL_DEFAULT[h][t] }, `${h}-type`);
          else setChild(h, { type: t, value: LEVEL_DEFAULT[h][t] }, `${h}-add`);
        }}
      >
        <option value="">—</option>
        {LEVELS.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
      {node ? (
        <NumberCell
          label={`Leg ${n} ${title} value`}
          value={node.data.value}
          min={0}
          width="w-14"
          invalid={bad(node.id, 'value')}
          onChange={(v) => setChild(h, { value: v }, `${h}-value`)}
        />
      ) : null}
    </span>
  );

  return (
    <tbody
      className="border-t border-zinc-800"
      data-testid={`leg-row-${n}`}
      data-leg-node={leg.node.id}
      onFocusCapture={() => props.onHighlight([leg.node.id])}
    >
      <tr>
        <th
          scope="row"
          rowSpan={problems.length || warnings.length ? 3 : 2}
          className="align-top pt-1.5 text-left text-[11px] font-normal text-zinc-400"
        >
          {n}
        </th>
        <td className="pt-1">
          <fieldset disabled={readOnly} className="flex flex-wrap items-center gap-1">
            <legend className="sr-only">
              Leg {n}: {label}
            </legend>
            <select
              aria-label={`Leg ${n} side`}
              className={`${ctl} w-[3.5rem] font-semibold ${d.side === 'BUY' ? 'text-emerald-300' : 'text-rose-300'}`}
              value={String(d.side ?? '')}
              onChange={(e) => setLeg({ side: e.target.value }, 'side')}
            >
              <option value="BUY">BUY</option>
              <option value="SELL">SELL</option>
            </select>
            <select
              aria-label={`Leg ${n} contract: a call (CE) or put (PE) option, or the future`}
              className={`${ctl} w-[3.3rem]`}
              value={isFuture ? 'FUT' : String(d.right ?? '')}
              onChange={(e) => {
                // One compact control for two DSL fields: the instrument, and an option's right.
                const v = e.target.value;
                if (v === 'FUT')
                  props.onChange(
                    combine(
                      patchData(leg.node, { instrument: 'future', right: undefined }),
                      setLegChild(ctx, leg, 'strike', null),
                    ),
                    key('right'),
                  );
                else if (!strike)
                  props.onChange(
                    combine(
                      patchData(leg.node, { instrument: 'option', right: v }),
                      setLegChild(ctx, leg, 'strike', { type: 'atm', atmFrom: 'spot' }),
                    ),
                    key('right'),
                  );
                else setLeg({ instrument: 'option', right: v }, 'right');
              }}
            >
              <option value="CE">CE</option>
              <option value="PE">PE</option>
              <option value="FUT">FUT</option>
            </select>
            <NumberCell
              label={`Leg ${n} lots`}
              value={d.lots}
              min={1}
              step={1}
              width="w-10"
              invalid={bad(leg.node.id, 'lots')}
              onChange={(v) => setLeg({ lots: v }, 'lots')}
            />
            <select
              aria-label={`Leg ${n} expiry`}
              className={`${ctl} w-[5.2rem]`}
              value={expiryValue}
              onChange={(e) => {
                const [kind, offset] = e.target.value.split(':');
                setLeg({ expiry: { kind, offset: Number(offset) } }, 'expiry');
              }}
            >
              {EXPIRIES.some(([v]) => v === expiryValue) ? null : (
                <option value={expiryValue}>{expiryValue}</option>
              )}
              {EXPIRIES.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
            {isFuture ? (
              <span className="text-[11px] text-zinc-400">future: no strike</span>
            ) : (
              <>
                <select
                  aria-label={`Leg ${n} strike`}
                  className={`${ctl} w-[5.8rem]`}
                  value={strikeType}
                  aria-invalid={
                    bad(strike?.id, 'type') || (!strike && problems.length > 0) || undefined
                  }
                  onChange={(e) => {
                    const spec = STRIKES.find((x) => x.type === e.target.value)!;
                    const data: Record<string, unknown> = { type: spec.type };
                    for (const p of spec.params) data[p.key] = p.dflt;
                    if (spec.type === 'exact')
                      data.strike = atmGuess(String(s.node.data.underlying ?? ''));
                    if (ATM_FROM_TYPES.has(spec.type))
                      data.atmFrom = (strike?.data.atmFrom as string | undefined) ?? 'spot';
                    // The selector's fields change with its type: replace, do not merge.
                    if (strike)
                      props.onChange({ updateData: [{ id: strike.id, data }] }, key('strike-type'));
                    else setChild('strike', data, 'strike-add');
                  }}
                >
                  {strikeSpec ? null : <option value="">Strike…</option>}
                  {STRIKES.map((x) => (
                    <option key={x.type} value={x.type}>
                      {x.label}
                    </option>
                  ))}
                </select>
                {strikeSpec?.params.map((p) => (
                  <NumberCell
                    key={p.key}
                    label={`Leg ${n} strike ${p.label}`}
                    value={strike?.data[p.key]}
                    step={p.step}
                    width="w-12"
                    invalid={bad(strike?.id, p.key)}
                    onChange={(v) => setChild('strike', { [p.key]: v }, `strike-${p.key}`)}
                  />
                ))}
              </>
            )}
            <span className="ml-auto flex gap-0.5">
              <button
                type="button"
                className={btn}
                aria-label={`Move leg ${n} up`}
                disabled={i === 0}
                onClick={() => props.onChange(moveLeg(ctx, s, i, -1), undefined, [leg.node.id])}
              >
                ↑
              </button>
              <button
                type="button"
                className={btn}
                aria-label={`Move leg ${n} down`}
                disabled={i === s.legs.length - 1}
                onClick={() => props.onChange(moveLeg(ctx, s, i, 1), undefined, [leg.node.id])}
              >
                ↓
              </button>
              <button
                type="button"
                className={`${btn} hover:border-rose-500 hover:text-rose-300`}
                aria-label={`Delete leg ${n} (${label})`}
                onClick={() => {
                  props.onChange(removeLeg(ctx, leg));
                  props.onAnnounce(`Deleted leg ${n} (${label}). Ctrl+Z brings it back.`);
                }}
              >
                ✕
              </button>
            </span>
          </fieldset>
        </td>
      </tr>
      <tr>
        <td className="pb-1">
          <fieldset disabled={readOnly} className="flex flex-wrap items-center gap-1 pl-1">
            <legend className="sr-only">Leg {n} exits</legend>
            {levelCell('stopLoss', sl, 'SL', 'SL')}
            {levelCell('target', tg, 'Target', 'Tgt')}
            <span className="flex items-center gap-0.5">
              <span aria-hidden className="text-[10px] text-zinc-400">
                Trail
              </span>
              <select
                aria-label={`Leg ${n} trailing stop`}
                className={`${ctl} w-[3.4rem]`}
                value={tr ? String(tr.data.unit ?? 'pct') : ''}
                onChange={(e) =>
                  e.target.value
                    ? setChild(
                        'trailingStop',
                        tr ? { unit: e.target.value } : { unit: e.target.value, every: 10, by: 5 },
                        'trail',
                      )
                    : setChild('trailingStop', null, 'trail-remove')
                }
              >
                <option value="">—</option>
                <option value="pct">%</option>
                <option value="points">pts</option>
              </select>
              {tr ? (
                <>
                  <NumberCell
                    label={`Leg ${n} trailing: every`}
                    value={tr.data.every}
                    width="w-11"
                    invalid={bad(tr.id, 'every')}
                    onChange={(v) => setChild('trailingStop', { every: v }, 'trail-every')}
                  />
                  <NumberCell
                    label={`Leg ${n} trailing: move stop by`}
                    value={tr.data.by}
                    width="w-11"
                    invalid={bad(tr.id, 'by')}
                    onChange={(v) => setChild('trailingStop', { by: v }, 'trail-by')}
                  />
                </>
              ) : null}
            </span>
            <span className="flex items-center gap-0.5">
              <span aria-hidden className="text-[10px] text-zinc-400">
                Re-entry
              </span>
              <select
                aria-label={`Leg ${n} re-entry after stop-loss`}
                className={`${ctl} w-[5rem]`}
                value={re && re.data.type !== 'lazy' ? String(re.data.type) : re ? 'lazy' : ''}
                onChange={(e) =>
                  e.target.value
                    ? setChild(
                        'reEntryOnStopLoss',
                        {
                          type: e.target.value,
                          count: typeof re?.data.count === 'number' ? re.data.count : 1,
                        },
                        're-entry',
                      )
                    : setChild('reEntryOnStopLoss', null, 're-entry-remove')
                }
              >
                <option value="">—</option>
                {REENTRIES.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
                {re?.data.type === 'lazy' ? <option value="lazy">Lazy leg</option> : null}
              </select>
              {re && re.data.type !== 'lazy' ? (
                <NumberCell
                  label={`Leg ${n} re-entries`}
                  value={re.data.count}
                  min={1}
                  step={1}
                  width="w-10"
                  invalid={bad(re.id, 'count')}
                  onChange={(v) => setChild('reEntryOnStopLoss', { count: v }, 're-entry-count')}
                />
              ) : null}
            </span>
          </fieldset>
        </td>
      </tr>
      {problems.length || warnings.length ? (
        <tr>
          <td className="pb-1.5">
            {problems.map((p, j) => (
              <p key={`p${j}`} className="text-[11px] text-rose-400" data-testid="leg-problem">
                {p.field ? `${p.field}: ` : ''}
                {p.message}
              </p>
            ))}
            {warnings.map((w, j) => (
              <p key={`w${j}`} className="text-[11px] text-amber-300" data-testid="leg-warning">
                ⚠ {w.message}
              </p>
            ))}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

/** A plausible exact strike to start from: the catalog's simulated spot on the strike grid. */
function atmGuess(underlying: string): number {
  const i = findInstrument(underlying);
  if (!i) return 100;
  return Math.round(i.simulation.spot / i.strikeStep) * i.strikeStep;
}
