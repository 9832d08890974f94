'use client';
/**
 * Scenarios of a saved strategy: the position it would open on a chosen chain (the payoff
 * panel's opening position, simulator or a stored snapshot), turned into a risk book (one
 * strategy, or the whole basket as one book) and handed to the scenario matrix.
 */
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useMemo, useState } from 'react';
import { ScenarioMatrix } from '@/components/analysis/scenario-matrix';
import { SnapshotPicker, type PickerInitial } from '@/components/analysis/snapshot-picker';
import { useOpeningPosition, type ChainSource } from '@/components/payoff/use-opening-position';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { bookFromOpening, mergeBooks, type RiskBook } from '@/engine/analysis/book';
import type { OpeningPosition } from '@/engine/payoff/position';

const ALL = '__basket__';

export function StrategyScenarios({ id, initial }: { id: string; initial: PickerInitial }) {
  const ids = useId();
  const trpc = useTRPC();
  const strategy = useQuery(trpc.strategies.byId.queryOptions({ id }));
  const dsl = strategy.data?.dsl ?? null;
  const underlying = useMemo(() => {
    const s = (dsl?.basket as { strategies?: { underlying?: string }[] } | undefined)?.strategies;
    return s?.[0]?.underlying;
  }, [dsl]);
  const [kind, setKind] = useState<'simulator' | 'dataset'>(
    initial.dataset ? 'dataset' : 'simulator',
  );
  const [seed, setSeed] = useState(7);
  const [stored, setStored] = useState<{ dataset: string; index: number } | null>(null);
  const source: ChainSource =
    kind === 'dataset' && stored
      ? { kind: 'dataset', dataset: stored.dataset, index: stored.index }
      : { kind: 'simulator', seed };
  const positions = useOpeningPosition(kind === 'dataset' && !stored ? null : dsl, source);
  const [pick, setPick] = useState<string>(ALL);

  const { book, skipped, problems, label } = useMemo(() => {
    const list = positions.data ?? [];
    const chosen = pick === ALL ? list : list.filter((s) => s.strategyId === pick);
    const many = chosen.length > 1;
    const ok = chosen.filter(
      (s): s is typeof s & { position: OpeningPosition } => s.position !== null,
    );
    const problems = chosen.flatMap((s) => (s.error ? [`${s.name}: ${s.error}`] : []));
    const skipped = ok.flatMap((s) =>
      s.position.skipped.map((x) => ({
        id: many ? `${s.strategyId}.${x.legId}` : x.legId,
        why: x.why,
      })),
    );
    let book: RiskBook | null = null;
    try {
      book = ok.length
        ? mergeBooks(ok.map((s) => bookFromOpening(s.position, many ? s.strategyId : undefined)))
        : null;
    } catch (err) {
      problems.push((err as Error).message);
    }
    return { book, skipped, problems, label: ok[0]?.source };
  }, [positions.data, pick]);

  if (strategy.isPending) return <LoadingRows rows={4} />;
  if (strategy.isError) return <ErrorNotice>{errorMessage(strategy.error)}</ErrorNotice>;
  const s = strategy.data;
  const strategies = positions.data ?? [];

  return (
    <>
      <PageHeader
        title={`Scenarios · ${s.name}`}
        description="P&L of the position this strategy would open, on a grid of spot moves and IV shifts, and under named stresses."
        actions={
          <Link
            href={`/strategies/${s.id}`}
            className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
          >
            Back to the builder
          </Link>
        }
      />
      {!dsl ? (
        <ErrorNotice>
          This strategy is not valid yet, so it opens no position: fix the problems shown in the
          builder first.
        </ErrorNotice>
      ) : (
        <div className="space-y-4">
          <div className="flex flex-wrap items-end gap-3 text-xs">
            <fieldset className="flex flex-col gap-1">
              <legend className="mb-1 text-zinc-400">Chain</legend>
              <div className="flex gap-3 text-zinc-300">
                {(
                  [
                    ['simulator', 'Simulator (latest)'],
                    ['dataset', 'Stored snapshot'],
                  ] as const
                ).map(([k, text]) => (
                  <label key={k} className="flex items-center gap-1">
                    <input
                      type="radio"
                      name={`${ids}-kind`}
                      checked={kind === k}
                      onChange={() => setKind(k)}
                    />
                    {text}
                  </label>
                ))}
              </div>
            </fieldset>
            {kind === 'simulator' && (
              <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-seed`}>
                Seed
                <input
                  id={`${ids}-seed`}
                  type="number"
                  min={0}
                  value={seed}
                  onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))}
                  className="w-24 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
                />
              </label>
            )}
            {strategies.length > 1 && (
              <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-strategy`}>
                Position
                <select
                  id={`${ids}-strategy`}
                  value={pick}
                  onChange={(e) => setPick(e.target.value)}
                  className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
                >
                  <option value={ALL}>Whole basket</option>
                  {strategies.map((x) => (
                    <option key={x.strategyId} value={x.strategyId}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </div>
          {kind === 'dataset' && (
            <SnapshotPicker
              initial={{ ...initial, underlying: initial.underlying ?? underlying }}
              withTime
              onChange={(src) => setStored(src ? { dataset: src.dataset, index: src.index } : null)}
            />
          )}
          {positions.isPending && positions.fetchStatus !== 'idle' ? (
            <LoadingRows rows={6} />
          ) : positions.isError ? (
            <ErrorNotice>{errorMessage(positions.error)}</ErrorNotice>
          ) : (
            <>
              {problems.map((p) => (
                <ErrorNotice key={p}>{p}</ErrorNotice>
              ))}
              {label && (
                <p className="text-xs text-zinc-500" data-testid="scenario-source">
                  Opening position on {label}
                  {book ? ` at ${book.asOf}` : ''}
                </p>
              )}
              {book ? (
                <ScenarioMatrix book={book} skipped={skipped} />
              ) : problems.length === 0 && strategies.length > 0 ? (
                <ErrorNotice>
                  No leg would open on this chain
                  {skipped.length ? `: ${skipped.map((x) => `${x.id}: ${x.why}`).join('; ')}` : '.'}
                </ErrorNotice>
              ) : null}
            </>
          )}
        </div>
      )}
    </>
  );
}
