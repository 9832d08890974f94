'use client';
/**
 * The leg table's delta-hedge row: switch the strategy's deltaHedge block on or off and set its
 * band, interval, target, lot limits and cost limit in place. It edits the same block the canvas
 * shows (one document, two views); an underlying without futures says why it cannot be hedged.
 */
import { useId } from 'react';
import { describeDeltaHedge } from '@/engine/dsl/describe';
import { findInstrument } from '@/engine/market/instruments';
import type { Problem } from './catalog';
import { ctl, NumberCell } from './leg-table-cells';
import { patchData, setStrategyChild, type EditContext } from './leg-edits';
import type { GraphChange, StrategyView } from './leg-model';

type Props = {
  strategy: StrategyView;
  underlying: string;
  ctx: EditContext;
  problems: Problem[];
  readOnly?: boolean;
  onChange: (change: GraphChange, key?: string) => void;
  onAnnounce: (text: string) => void;
};

/** Optional fields: a box to switch each on, with the value it starts from. */
const OPTIONAL = [
  { key: 'band', toggle: 'Hedge outside a band', label: 'outside ±', name: 'Band (delta)', unit: 'Δ', start: 50, min: 0, step: 5 }, // prettier-ignore
  { key: 'intervalMinutes', toggle: 'Hedge on an interval', label: 'every', name: 'Interval (minutes)', unit: 'min', start: 15, min: 1, step: 5 }, // prettier-ignore
  { key: 'maxLots', toggle: 'Cap the hedge', label: 'at most', name: 'Most lots held', unit: 'lots', start: 5, min: 1, step: 1 }, // prettier-ignore
  { key: 'costLimitPct', toggle: 'Cost-aware band', label: 'skip if cost >', name: 'Cost limit (% of risk)', unit: '% of risk', start: 5, min: 0, step: 0.5 }, // prettier-ignore
] as const;

export function HedgeSection(props: Props) {
  const { strategy: s, underlying, ctx, readOnly } = props;
  const uid = useId();
  const node = s.children.deltaHedge;
  const instrument = findInstrument(underlying);
  const futures = instrument?.futureExpiries ?? [];
  const d = node?.data ?? {};
  const problems = props.problems.filter((p) => node && p.nodeId === node.id);
  const bad = (field: string) => problems.some((p) => p.field === field);
  const set = (patch: Record<string, unknown>, key: string) =>
    node && props.onChange(patchData(node, patch), `${node.id}:${key}`);
  const toggle = (on: boolean) => {
    if (!on) {
      props.onChange(setStrategyChild(ctx, s, 'deltaHedge', 'deltaHedge', null).change);
      props.onAnnounce('Delta hedge removed.');
      return;
    }
    // A band a whole lot can reach: at least half a lot of the underlying.
    const band = Math.max(50, Math.ceil((instrument?.lotSize ?? 1) / 2));
    const kind = futures[futures.length - 1] ?? 'monthly';
    props.onChange(
      setStrategyChild(ctx, s, 'deltaHedge', 'deltaHedge', { band, expiry: { kind, offset: 0 } })
        .change,
    );
    props.onAnnounce(`Delta hedge added: futures when the net delta leaves ± ${band}.`);
  };

  return (
    <div className="rounded border border-zinc-800 p-2 text-xs" data-testid="hedge-row">
      <label className="flex items-center gap-2 text-zinc-300">
        <input
          type="checkbox"
          className="accent-sky-500"
          checked={!!node}
          disabled={readOnly || (!node && futures.length === 0)}
          onChange={(e) => toggle(e.target.checked)}
        />
        <span className="font-medium">Delta hedge with futures</span>
        <span className="text-zinc-400" data-testid="hedge-summary">
          {node
            ? describeDeltaHedge(d)
            : futures.length
              ? 'off: the legs keep whatever delta they have'
              : `${underlying || 'This underlying'} has no futures to hedge with`}
        </span>
      </label>
      {node ? (
        <fieldset
          disabled={readOnly}
          className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1"
          aria-label="Delta hedge settings"
        >
          <span className="flex items-center gap-1">
            <span className="text-zinc-400">target Δ</span>
            <NumberCell
              label="Target delta"
              value={d.targetDelta ?? 0}
              step={5}
              invalid={bad('targetDelta')}
              onChange={(v) => set({ targetDelta: v }, 'targetDelta')}
            />
          </span>
          {OPTIONAL.map((o) => {
            const on = d[o.key] !== undefined;
            return (
              <span key={o.key} className="flex items-center gap-1">
                <input
                  id={`${uid}-${o.key}`}
                  type="checkbox"
                  className="accent-sky-500"
                  checked={on}
                  aria-label={o.toggle}
                  onChange={(e) => set({ [o.key]: e.target.checked ? o.start : undefined }, o.key)}
                />
                <label htmlFor={`${uid}-${o.key}`} className="text-zinc-400">
                  {o.label}
                </label>
                <NumberCell
                  label={o.name}
                  value={d[o.key]}
                  min={o.min}
                  step={o.step}
                  disabled={!on}
                  invalid={bad(o.key)}
                  onChange={(v) => set({ [o.key]: v }, o.key)}
                />
                <span className="text-zinc-400">{o.unit}</span>
              </span>
            );
          })}
          <span className="flex items-center gap-1">
            <span className="text-zinc-400">trades of at least</span>
            <NumberCell
              label="Minimum lots a hedge trade"
              value={d.minTradeLots ?? 1}
              min={1}
              step={1}
              invalid={bad('minTradeLots')}
              onChange={(v) => set({ minTradeLots: v }, 'minTradeLots')}
            />
            <span className="text-zinc-400">lots</span>
          </span>
          <span className="text-[11px] text-zinc-500">
            Δ in units of {underlying}
            {instrument ? `; a lot is ${instrument.lotSize}` : ''}
          </span>
          <select
            aria-label="Futures expiry"
            className={ctl}
            value={`${(d.expiry as { kind?: string } | undefined)?.kind ?? 'monthly'}:${(d.expiry as { offset?: number } | undefined)?.offset ?? 0}`}
            onChange={(e) => {
              const [kind, offset] = e.target.value.split(':');
              set({ expiry: { kind, offset: Number(offset) } }, 'expiry');
            }}
          >
            {futures.flatMap((kind) =>
              [0, 1].map((offset) => (
                <option key={`${kind}:${offset}`} value={`${kind}:${offset}`}>
                  {offset === 0 ? 'this' : 'next'} {kind === 'weekly' ? 'week' : 'month'}&apos;s
                  future
                </option>
              )),
            )}
          </select>
        </fieldset>
      ) : null}
      {problems.map((p, i) => (
        <p key={i} className="mt-1 text-[11px] text-rose-400">
          {p.field ? `${p.field}: ` : ''}
          {p.message}
        </p>
      ))}
    </div>
  );
}
