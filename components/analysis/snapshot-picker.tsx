'use client';
/**
 * Which stored snapshot an analysis page looks at: dataset, underlying, session day and time of
 * day. The choice is a SnapshotSource the server understands; the URL keeps it, so a view can
 * be shared and reloaded. A live source will be one more kind of source, not another picker.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useState } from 'react';
import { localDay, localHhmm } from '@/components/analysis/format';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';

export type StoredSource = { kind: 'dataset'; dataset: string; underlying: string; index: number };

export type PickerInitial = { dataset?: string; underlying?: string; at?: string };

const select =
  'rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100 disabled:opacity-50';

/** Writes the choice into the address bar without a navigation. */
function remember(params: Record<string, string | undefined>) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(params))
    if (v) url.searchParams.set(k, v);
    else url.searchParams.delete(k);
  window.history.replaceState(null, '', url);
}

export function useDatasetChoice(initial: PickerInitial) {
  const trpc = useTRPC();
  const datasets = useQuery(trpc.market.datasets.queryOptions());
  const [dataset, setDataset] = useState<string | undefined>(initial.dataset);
  // Without a choice, the first folder of several files: the most sessions to rank against.
  const chosen = dataset ?? datasets.data?.find((d) => d.files > 1)?.id ?? datasets.data?.[0]?.id;
  return { datasets, dataset: chosen, setDataset };
}

export function SnapshotPicker(props: {
  initial: PickerInitial;
  onChange: (source: StoredSource | null, ts: string | null) => void;
  /** Pick a time of day too (the vol lab); the regime view takes the whole dataset. */
  withTime: boolean;
}) {
  const ids = useId();
  const trpc = useTRPC();
  const { datasets, dataset, setDataset } = useDatasetChoice(props.initial);
  const sessions = useQuery({
    ...trpc.analysis.sessions.queryOptions({ dataset: dataset ?? '' }),
    enabled: !!dataset,
    staleTime: 10 * 60_000,
  });
  const [underlying, setUnderlying] = useState<string | undefined>(props.initial.underlying);
  const list = sessions.data?.underlyings ?? [];
  const u = list.find((x) => x.underlying === underlying) ?? list[0];
  const timestamps = u?.timestamps ?? [];
  const days = useMemo(() => [...new Set(timestamps.map(localDay))], [timestamps]);
  const [at, setAt] = useState<string | undefined>(props.initial.at);
  // The chosen instant: exactly `at` when listed, else the last snapshot at or before it, else the latest.
  const index = useMemo(() => {
    if (timestamps.length === 0) return -1;
    if (!at) return timestamps.length - 1;
    const exact = timestamps.indexOf(at);
    if (exact >= 0) return exact;
    let best = -1;
    for (let i = 0; i < timestamps.length; i++) if (timestamps[i] <= at) best = i;
    return best >= 0 ? best : 0;
  }, [timestamps, at]);
  const day = index >= 0 ? localDay(timestamps[index]) : undefined;
  const dayIdx = useMemo(
    () => timestamps.flatMap((t, i) => (localDay(t) === day ? [i] : [])),
    [timestamps, day],
  );
  // The slider moves freely; the analysis follows once it rests.
  const [slide, setSlide] = useState<number | null>(null);
  useEffect(() => {
    if (slide === null) return;
    const t = setTimeout(() => {
      setAt(timestamps[slide]);
      setSlide(null);
    }, 250);
    return () => clearTimeout(t);
  }, [slide, timestamps]);

  const source: StoredSource | null =
    dataset && u && index >= 0
      ? { kind: 'dataset', dataset, underlying: u.underlying, index: props.withTime ? index : 0 }
      : null;
  const key = source ? `${source.dataset}|${source.underlying}|${source.index}` : '';
  useEffect(() => {
    props.onChange(source, source ? timestamps[index] : null);
    if (source)
      remember({
        dataset: source.dataset,
        underlying: source.underlying,
        at: props.withTime ? timestamps[index] : undefined,
      });
  }, [key]);

  if (datasets.isPending) return <LoadingRows rows={1} />;
  if (datasets.isError) return <ErrorNotice>{errorMessage(datasets.error)}</ErrorNotice>;
  if ((datasets.data ?? []).length === 0)
    return (
      <ErrorNotice>
        No stored chain datasets on this server. Put option-chain files in ../shared/data next to
        the app (or set STRIKEFLOW_DATA_DIR) and reload.
      </ErrorNotice>
    );
  const shown = slide ?? index;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-end gap-3 text-xs" data-testid="snapshot-picker">
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-ds`}>
          Dataset
          <select
            id={`${ids}-ds`}
            className={`${select} max-w-[22rem]`}
            value={dataset}
            onChange={(e) => {
              setDataset(e.target.value);
              setUnderlying(undefined);
              setAt(undefined);
            }}
          >
            {(datasets.data ?? []).map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-u`}>
          Underlying
          <select
            id={`${ids}-u`}
            className={select}
            value={u?.underlying ?? ''}
            disabled={list.length === 0}
            onChange={(e) => {
              setUnderlying(e.target.value);
              setAt(undefined);
            }}
          >
            {list.map((x) => (
              <option key={x.underlying} value={x.underlying}>
                {x.underlying}
              </option>
            ))}
          </select>
        </label>
        {props.withTime && (
          <>
            <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-day`}>
              Session
              <select
                id={`${ids}-day`}
                className={select}
                value={day ?? ''}
                disabled={days.length === 0}
                onChange={(e) => {
                  // A new day opens at its last snapshot: the close, where the day's story is told.
                  const last = timestamps.filter((t) => localDay(t) === e.target.value).at(-1);
                  setAt(last);
                }}
              >
                {days.map((d) => (
                  <option key={d} value={d}>
                    {d}
                  </option>
                ))}
              </select>
            </label>
            <div className="flex min-w-[16rem] flex-1 flex-col gap-1 text-zinc-400">
              <label htmlFor={`${ids}-t`} className="flex justify-between">
                <span>Time</span>
                <output htmlFor={`${ids}-t`} className="font-mono text-zinc-100">
                  {shown >= 0 ? `${localHhmm(timestamps[shown])} (exchange time)` : '—'}
                </output>
              </label>
              <input
                id={`${ids}-t`}
                type="range"
                min={0}
                max={Math.max(0, dayIdx.length - 1)}
                step={1}
                value={Math.max(0, dayIdx.indexOf(shown))}
                disabled={dayIdx.length < 2}
                onChange={(e) => setSlide(dayIdx[Number(e.target.value)])}
                className="w-full accent-sky-500"
              />
            </div>
          </>
        )}
      </div>
      {sessions.isPending && dataset ? (
        <p className="text-xs text-zinc-500">Reading the dataset…</p>
      ) : sessions.isError ? (
        <ErrorNotice>{errorMessage(sessions.error)}</ErrorNotice>
      ) : sessions.data?.truncated ? (
        <p className="text-xs text-amber-300">
          This dataset is long: only its first 5,000 snapshots were read. Pick a single file of it
          for the rest.
        </p>
      ) : null}
    </div>
  );
}
