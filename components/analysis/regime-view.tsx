'use client';
/**
 * The regime view: for an underlying of a stored dataset, the regime the conditions read at
 * every snapshot (a coloured band) and the facts behind it: ATM IV and HV, the rank that decides
 * the extremes (VIX rank, or IV rank without a VIX) and the HV/IV ratio with the thresholds.
 * Each session's close is explained step by step, as the classifier decides it.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { TimeChart, type TimeSeries } from '@/components/analysis/charts';
import { pctValue, price, ratio } from '@/components/analysis/format';
import { REGIME_COLORS, REGIME_LABELS, RegimeBadge } from '@/components/analysis/regime-badge';
import {
  SnapshotPicker,
  type PickerInitial,
  type StoredSource,
} from '@/components/analysis/snapshot-picker';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';
import { explainRegime } from '@/components/analysis/regime-explain';
import { REGIMES, REGIME_THRESHOLDS as T } from '@/engine/dsl/conditions';

export function RegimeView({ initial }: { initial: PickerInitial }) {
  const trpc = useTRPC();
  const [source, setSource] = useState<StoredSource | null>(null);
  const q = useQuery({
    ...trpc.analysis.regime.queryOptions({
      dataset: source?.dataset ?? '',
      underlying: source?.underlying ?? '',
    }),
    enabled: source !== null,
    staleTime: 10 * 60_000,
  });
  const [pick, setPick] = useState<string | null>(null);
  const data = q.data;

  const view = useMemo(() => {
    if (!data || data.points.length === 0) return null;
    const pts = data.points;
    const first = pts[0].ts;
    const last = pts[pts.length - 1].ts;
    const guide = (id: string, label: string, value: number, left = false): TimeSeries => ({
      id,
      label,
      color: '#52525b',
      width: 1,
      dashed: true,
      left,
      points: [
        { ts: first, value },
        { ts: last, value },
      ],
    });
    const band: TimeSeries = {
      id: 'regime',
      label: '',
      color: '#71717a',
      kind: 'histogram',
      band: true,
      points: pts.map((p) => ({ ts: p.ts, value: p.regime ? 1 : undefined })),
      colors: pts.map((p) => (p.regime ? REGIME_COLORS[p.regime] : undefined)),
    };
    const vol: TimeSeries[] = [
      {
        id: 'atm',
        label: 'ATM IV %',
        color: '#38bdf8',
        points: pts.map((p) => ({ ts: p.ts, value: p.atmIv })),
      },
      {
        id: 'hv',
        label: 'HV 20 %',
        color: '#f59e0b',
        points: pts.map((p) => ({ ts: p.ts, value: p.hv })),
      },
      {
        id: 'spot',
        label: 'spot',
        color: '#a1a1aa',
        width: 1,
        left: true,
        points: pts.map((p) => ({ ts: p.ts, value: p.spot })),
      },
      band,
    ];
    const rankFromVix = pts.some((p) => p.rankFrom === 'vix');
    const ranks: TimeSeries[] = [
      {
        id: 'rank',
        label: rankFromVix ? 'VIX rank' : 'IV rank',
        color: '#e879f9',
        points: pts.map((p) => ({ ts: p.ts, value: p.rankFrom === 'vix' ? p.vixRank : p.ivRank })),
      },
      guide('hi', `${T.highVolVixRank}`, T.highVolVixRank),
      guide('lo', `${T.lowVolVixRank}`, T.lowVolVixRank),
      {
        id: 'ratio',
        label: 'HV / IV',
        color: '#34d399',
        left: true,
        points: pts.map((p) => ({ ts: p.ts, value: p.hvIvRatio })),
      },
      guide('rx', `${T.ivExpansionHvIvRatio}`, T.ivExpansionHvIvRatio, true),
      guide('rc', `${T.ivContractionHvIvRatio}`, T.ivContractionHvIvRatio, true),
      band,
    ];
    const share = REGIMES.map((r) => ({
      regime: r,
      n: pts.filter((p) => p.regime === r).length,
    })).filter((x) => x.n > 0);
    const sessions = data.closes.map((c) => {
      const dayPts = pts.filter((p) => p.day === c.day);
      return { close: c, at: dayPts[dayPts.length - 1], count: dayPts.length };
    });
    return { vol, ranks, share, sessions, last: pts[pts.length - 1] };
  }, [data]);

  const explained = view && (view.sessions.find((s) => s.close.day === pick)?.at ?? view.last);

  return (
    <div className="space-y-4" data-testid="regime-view">
      <SnapshotPicker initial={initial} withTime={false} onChange={(s) => setSource(s)} />
      {q.isError ? (
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
      ) : !data || !view ? (
        source === null ? null : (
          <LoadingRows rows={6} />
        )
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-4 text-xs text-zinc-400">
            <span>
              {data.underlying} · {data.points.length} snapshots over {data.closes.length} session
              {data.closes.length === 1 ? '' : 's'}
              {data.thinned ? ' (thinned for the chart)' : ''}
            </span>
            <span className="flex flex-wrap gap-3" data-testid="regime-share">
              {view.share.map((s) => (
                <span key={s.regime} className="flex items-center gap-1">
                  <span
                    className="inline-block h-2 w-2 rounded-full"
                    style={{ background: REGIME_COLORS[s.regime] }}
                  />
                  {REGIME_LABELS[s.regime]} {Math.round((s.n / data.points.length) * 100)}%
                </span>
              ))}
            </span>
          </div>
          <section className="space-y-2 rounded border border-zinc-800 bg-zinc-950/60 p-3">
            <h2 className="text-xs font-medium uppercase tracking-wide text-zinc-400">
              ATM IV and HV (%), spot on the left · regime band along the bottom
            </h2>
            <TimeChart
              series={view.vol}
              height={260}
              label="ATM IV, HV and spot over time with the regime band"
              testId="regime-vol-chart"
            />
          </section>
          <section className="space-y-2 rounded border border-zinc-800 bg-zinc-950/60 p-3">
            <h2 className="text-xs font-medium uppercase tracking-wide text-zinc-400">
              Rank (0–100, extremes at {T.lowVolVixRank} and {T.highVolVixRank}) · HV/IV on the left
              (thresholds {T.ivContractionHvIvRatio} and {T.ivExpansionHvIvRatio})
            </h2>
            <TimeChart
              series={view.ranks}
              height={220}
              label="Volatility rank and HV/IV ratio with the classifier's thresholds"
              testId="regime-rank-chart"
            />
          </section>
          <div className="grid gap-4 xl:grid-cols-[2fr_1fr]">
            <section className="overflow-x-auto rounded border border-zinc-800 bg-zinc-950/60 p-3">
              <table className="w-full text-left text-xs" data-testid="regime-sessions">
                <thead className="text-[11px] uppercase text-zinc-500">
                  <tr>
                    <th className="py-1 font-medium">Session</th>
                    <th className="text-right font-medium">Snapshots</th>
                    <th className="text-right font-medium">Close</th>
                    <th className="text-right font-medium">ATM IV</th>
                    <th className="text-right font-medium">HV 20</th>
                    <th className="text-right font-medium">Rank</th>
                    <th className="pl-3 font-medium">Regime at the close</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-zinc-800 text-zinc-300">
                  {view.sessions.map(({ close, at, count }) => (
                    <tr
                      key={close.day}
                      onClick={() => setPick(close.day)}
                      aria-selected={explained?.day === close.day}
                      className={`cursor-pointer ${explained?.day === close.day ? 'bg-zinc-800/70' : 'hover:bg-zinc-900'}`}
                    >
                      <td className="py-1">{close.day}</td>
                      <td className="text-right font-mono">{count}</td>
                      <td className="text-right font-mono">{price(close.spot)}</td>
                      <td className="text-right font-mono">{pctValue(close.atmIv)}</td>
                      <td className="text-right font-mono">{pctValue(at?.hv)}</td>
                      <td className="text-right font-mono">
                        {ratio(at?.rankFrom === 'vix' ? at?.vixRank : at?.ivRank, 0)}
                      </td>
                      <td className="pl-3">
                        <RegimeBadge regime={at?.regime} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {explained && (
              <section
                className="space-y-2 rounded border border-zinc-800 bg-zinc-950/60 p-3 text-xs"
                data-testid="regime-why"
              >
                <h2 className="text-xs font-medium uppercase tracking-wide text-zinc-400">
                  Why {explained.ts}
                </h2>
                <p>
                  <RegimeBadge regime={explained.regime} />
                </p>
                <ol className="list-decimal space-y-1 pl-4 text-zinc-300">
                  {explainRegime(explained).steps.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ol>
                <p className="text-zinc-500">
                  {explained.sessions} past session{explained.sessions === 1 ? '' : 's'} in the
                  rank&apos;s window; ranks and HV use daily closes (each session&apos;s last
                  snapshot), as a running deployment does.
                </p>
              </section>
            )}
          </div>
        </>
      )}
    </div>
  );
}
