'use client';
/**
 * The volatility lab: one stored chain snapshot as a trader reads it. Headline numbers (ATM IV,
 * IV rank and percentile, HV, realised today, skew, PCR, max pain, regime), the smile by strike
 * or by delta, the ATM term structure, the surface heat map, realised against implied through
 * the session, daily IV closes, and open interest by strike with the max-pain curve.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useMemo, useState } from 'react';
import { TimeChart, XYChart, type XYMarker, type XYSeries } from '@/components/analysis/charts';
import {
  count,
  dte,
  pctValue,
  price,
  ratio,
  shortDate,
  volPct,
  volPts,
} from '@/components/analysis/format';
import { IvHistory } from '@/components/analysis/iv-history';
import { OiChart } from '@/components/analysis/oi-chart';
import { RegimeBadge } from '@/components/analysis/regime-badge';
import {
  SnapshotPicker,
  type PickerInitial,
  type StoredSource,
} from '@/components/analysis/snapshot-picker';
import { SurfaceHeatmap } from '@/components/analysis/surface-heatmap';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows } from '@/components/ui/page';
import { ivAtDelta } from '@/engine/analysis/smile';
import type { ExpiryVol } from '@/engine/analysis/vol-lab';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

const PALETTE = ['#38bdf8', '#f59e0b', '#a78bfa', '#34d399', '#f472b6', '#94a3b8', '#fb7185'];
const LOOKBACKS = [20, 60, 120, 252] as const;

const ivFormat = (y: number) => `${(y * 100).toFixed(1)}%`;

export function VolLab({ initial }: { initial: PickerInitial }) {
  const ids = useId();
  const trpc = useTRPC();
  const [source, setSource] = useState<StoredSource | null>(null);
  const [lookbackDays, setLookback] = useState<number>(252);
  const [focus, setFocus] = useState<string | null>(null);
  const [mode, setMode] = useState<'strike' | 'delta'>('strike');
  const q = useQuery({
    ...trpc.analysis.volLab.queryOptions({
      source: source ?? { kind: 'dataset', dataset: '', underlying: '', index: 0 },
      lookbackDays,
    }),
    enabled: source !== null,
    placeholderData: keepPreviousData,
    staleTime: 10 * 60_000,
  });
  const v = q.data;
  const expiries = v?.lab.expiries ?? [];
  // Without a choice, the nearest expiry with a day or more left: an expiring smile is mostly noise.
  const chosen =
    expiries.find((e) => e.expiry === focus) ?? expiries.find((e) => e.days >= 1) ?? expiries[0];

  return (
    <div className="space-y-4" data-testid="vol-lab">
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-0 flex-1">
          <SnapshotPicker initial={initial} withTime onChange={(s) => setSource(s)} />
        </div>
        <label className="flex flex-col gap-1 text-xs text-zinc-400" htmlFor={`${ids}-lb`}>
          IV rank lookback
          <select
            id={`${ids}-lb`}
            className="rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-xs text-zinc-100"
            value={lookbackDays}
            onChange={(e) => setLookback(Number(e.target.value))}
          >
            {LOOKBACKS.map((n) => (
              <option key={n} value={n}>
                {n} sessions
              </option>
            ))}
          </select>
        </label>
      </div>

      {q.isError ? (
        <ErrorNotice>{errorMessage(q.error)}</ErrorNotice>
      ) : !v || !chosen ? (
        source === null ? null : (
          <LoadingRows rows={6} />
        )
      ) : (
        <div
          className={`space-y-4 transition-opacity ${q.isFetching ? 'opacity-70' : ''}`}
          data-testid="vol-lab-body"
          aria-busy={q.isFetching}
        >
          <p className="text-xs text-zinc-500" data-testid="vol-lab-snapshot">
            {v.lab.underlying} at {v.lab.ts} · spot {price(v.lab.spot)}
            {v.lab.vix !== undefined ? ` · VIX ${v.lab.vix}` : ''} · {v.dataset} #{v.index}
          </p>
          <Headline v={v} e={chosen} />

          <div className="grid gap-4 xl:grid-cols-2">
            <Panel
              title={`Smile · ${mode === 'strike' ? 'IV by strike' : 'IV by delta'}`}
              aside={
                <div className="flex gap-1" role="group" aria-label="Smile axis">
                  {(['strike', 'delta'] as const).map((m) => (
                    <button
                      key={m}
                      type="button"
                      aria-pressed={mode === m}
                      onClick={() => setMode(m)}
                      className={`rounded px-2 py-0.5 text-[11px] ${mode === m ? 'bg-sky-600 text-white' : 'bg-zinc-800 text-zinc-300 hover:bg-zinc-700'}`}
                    >
                      by {m}
                    </button>
                  ))}
                </div>
              }
            >
              <SmileChart expiries={expiries} focus={chosen.expiry} mode={mode} spot={v.lab.spot} />
              <p className="text-[11px] text-zinc-500">
                {mode === 'strike'
                  ? 'Each expiry’s out-of-the-money IV within 10 % of its forward; the focused one also shows raw call and put IVs near the money (dashed).'
                  : 'x = delta of the out-of-the-money option: 10 = 10Δ put, 50 = at the money, 90 = 10Δ call; read off each expiry’s quotes at every whole delta.'}
              </p>
            </Panel>
            <Panel title="Term structure · ATM IV and 25Δ wings by days to expiry">
              <TermChart expiries={expiries} />
            </Panel>
          </div>

          <Panel title="Surface · IV by expiry and moneyness">
            <SurfaceHeatmap surface={v.lab.surface} />
          </Panel>

          <div className="grid gap-4 xl:grid-cols-2">
            <Panel
              title={`Realised vs implied · session of ${v.intraday[0]?.ts.slice(0, 10) ?? ''}`}
            >
              <TimeChart
                label="ATM implied volatility against realised volatility through the session"
                testId="realised-chart"
                format={ivFormat}
                series={[
                  {
                    id: 'iv',
                    label: `ATM IV ${shortDate(chosen.expiry)}`,
                    color: '#38bdf8',
                    points: v.intraday.map((p) => ({ ts: p.ts, value: p.atmIv[chosen.expiry] })),
                  },
                  {
                    id: 'rv',
                    label: `realised ${v.realisedWindowMinutes}m`,
                    color: '#f59e0b',
                    points: v.intraday.map((p) => ({ ts: p.ts, value: p.realised })),
                  },
                ]}
              />
              <p className="text-[11px] text-zinc-500">
                Realised: annualised from the snapshot-to-snapshot spot moves over a trailing{' '}
                {v.realisedWindowMinutes} minutes; session so far {volPct(v.sessionRealised)}.
                Close-to-close HV ({pctValue(v.reading.hv)}) needs three sessions.
              </p>
            </Panel>
            <Panel title={`IV rank · daily closing ATM IV, last ${lookbackDays} sessions`}>
              <IvHistory closes={v.closes} reading={v.reading} lookbackDays={lookbackDays} />
            </Panel>
          </div>

          <div className="grid gap-4 xl:grid-cols-2">
            <Panel
              title={`Open interest · ${chosen.expiry} (PCR ${ratio(chosen.positioning.pcrOi)})`}
              aside={<ExpiryPicker expiries={expiries} value={chosen.expiry} onChange={setFocus} />}
            >
              <OiChart
                byStrike={chosen.positioning.byStrike}
                spot={v.lab.spot}
                maxPain={chosen.positioning.maxPain}
              />
            </Panel>
            <Panel title={`Max pain · ${chosen.expiry}: holders' payout if it settled at`}>
              {chosen.positioning.pain.length ? (
                <XYChart
                  label="Option holders' total payout by settlement strike"
                  height={220}
                  format={(y) => count(y)}
                  series={[
                    {
                      id: 'pain',
                      label: 'payout',
                      color: '#a78bfa',
                      points: chosen.positioning.pain.map((p) => ({ x: p.strike, y: p.payout })),
                    },
                  ]}
                  markers={
                    chosen.positioning.maxPain !== undefined
                      ? [
                          {
                            x: chosen.positioning.maxPain,
                            label: `max pain ${chosen.positioning.maxPain}`,
                            color: '#a78bfa',
                            series: 'pain',
                          },
                        ]
                      : []
                  }
                />
              ) : (
                <p className="text-xs text-zinc-500">This expiry carries no open interest.</p>
              )}
            </Panel>
          </div>

          <Panel title="By expiry · skew and positioning">
            <ExpiryTable expiries={expiries} focus={chosen.expiry} onFocus={setFocus} />
          </Panel>
        </div>
      )}
    </div>
  );
}

type View = inferRouterOutputs<AppRouter>['analysis']['volLab'];

function Panel(props: { title: string; aside?: React.ReactNode; children: React.ReactNode }) {
  return (
    <section className="space-y-2 rounded border border-zinc-800 bg-zinc-950/60 p-3">
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-xs font-medium uppercase tracking-wide text-zinc-400">{props.title}</h2>
        {props.aside}
      </div>
      {props.children}
    </section>
  );
}

function Headline({ v, e }: { v: View; e: ExpiryVol }) {
  const r = v.reading;
  const items: { label: string; value: React.ReactNode; hint?: string }[] = [
    {
      label: `ATM IV ${v.lab.expiries[0] ? shortDate(v.lab.expiries[0].expiry) : ''}`,
      value: pctValue(r.atmIv),
      hint: 'The atmIv condition fact: mean IV of the ATM call and put of the nearest expiry.',
    },
    {
      label: `${r.rankFrom === 'vix' ? 'VIX' : 'IV'} rank`,
      value: r.rankFrom === 'vix' ? ratio(r.vixRank, 0) : ratio(r.ivRank, 0),
      hint: `Where today sits between the lowest and highest daily close of the last ${v.lookbackDays} sessions (${r.sessions} past sessions in this data).`,
    },
    {
      label: 'IV percentile',
      value: r.ivPercentile === undefined ? '—' : `${Math.round(r.ivPercentile)}%`,
      hint: 'Share of past daily closes with a lower ATM IV.',
    },
    { label: 'HV 20 (close-close)', value: pctValue(r.hv) },
    { label: 'Realised today', value: volPct(v.sessionRealised) },
    { label: `RR 25Δ ${shortDate(e.expiry)}`, value: volPts(e.skew.riskReversal25) },
    { label: `BF 25Δ ${shortDate(e.expiry)}`, value: volPts(e.skew.butterfly25) },
    { label: 'PCR (OI, chain)', value: ratio(v.lab.pcrOi) },
    { label: `Max pain ${shortDate(e.expiry)}`, value: price(e.positioning.maxPain) },
    { label: 'Regime', value: <RegimeBadge regime={r.regime} /> },
  ];
  return (
    <dl
      className="grid grid-cols-2 gap-2 sm:grid-cols-5 xl:grid-cols-10"
      data-testid="vol-headline"
    >
      {items.map((it) => (
        <div
          key={it.label}
          className="rounded border border-zinc-800 bg-zinc-900/60 px-2 py-1.5"
          title={it.hint}
        >
          <dt className="truncate text-[10px] uppercase tracking-wide text-zinc-500">{it.label}</dt>
          <dd className="font-mono text-sm text-zinc-100">{it.value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ExpiryPicker(props: {
  expiries: ExpiryVol[];
  value: string;
  onChange: (e: string) => void;
}) {
  return (
    <select
      aria-label="Expiry"
      className="rounded border border-zinc-700 bg-zinc-900 px-2 py-0.5 text-[11px] text-zinc-100"
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
    >
      {props.expiries.map((e) => (
        <option key={e.expiry} value={e.expiry}>
          {e.expiry} ({dte(e.days)})
        </option>
      ))}
    </select>
  );
}

function SmileChart(props: {
  expiries: ExpiryVol[];
  focus: string;
  mode: 'strike' | 'delta';
  spot: number;
}) {
  const { series, markers } = useMemo(() => {
    const series: XYSeries[] = [];
    const markers: XYMarker[] = [];
    props.expiries.forEach((e, i) => {
      const focused = e.expiry === props.focus;
      // An expiring smile dwarfs the others: it is drawn only when it is the one in focus.
      if (!focused && e.days < 1) return;
      const color = PALETTE[i % PALETTE.length];
      // Near the money, where a trader reads a smile: strikes within 10 % of the forward.
      const near = e.points.filter((p) => Math.abs(p.strike / e.forward - 1) <= 0.1);
      if (props.mode === 'strike') {
        series.push({
          id: e.expiry,
          label: `${shortDate(e.expiry)} ${dte(e.days)}`,
          color,
          width: focused ? 3 : 1,
          points: near.flatMap((p) => (p.iv === undefined ? [] : [{ x: p.strike, y: p.iv }])),
        });
        if (focused) {
          // Raw call and put IVs only around the money: deeper in, the ITM side's quotes are noise.
          const atm = near.filter((p) => Math.abs(p.strike / e.forward - 1) <= 0.03);
          series.push(
            {
              id: `${e.expiry}-ce`,
              label: 'call IV',
              color: '#34d399',
              width: 1,
              dashed: true,
              points: atm.flatMap((p) =>
                p.callIv === undefined ? [] : [{ x: p.strike, y: p.callIv }],
              ),
            },
            {
              id: `${e.expiry}-pe`,
              label: 'put IV',
              color: '#f87171',
              width: 1,
              dashed: true,
              points: atm.flatMap((p) =>
                p.putIv === undefined ? [] : [{ x: p.strike, y: p.putIv }],
              ),
            },
          );
          if (e.atmStrike !== undefined)
            markers.push({ x: e.atmStrike, label: 'ATM', color: '#fbbf24', series: e.expiry });
        }
        return;
      }
      if (!(e.t > 0)) return;
      // The chart spaces points evenly, so the smile is read off at every whole delta with the
      // engine's own interpolation (the one the 25- and 10-delta skew uses): spacing = delta.
      const pts: { x: number; y: number }[] = [];
      for (let d = 2; d <= 50; d++) {
        const iv = ivAtDelta(e, 'PE', d / 100)?.iv;
        if (iv !== undefined) pts.push({ x: d, y: iv });
      }
      for (let d = 49; d >= 2; d--) {
        const iv = ivAtDelta(e, 'CE', d / 100)?.iv;
        if (iv !== undefined) pts.push({ x: 100 - d, y: iv });
      }
      series.push({
        id: e.expiry,
        label: `${shortDate(e.expiry)} ${dte(e.days)}`,
        color,
        width: focused ? 3 : 1,
        points: pts,
      });
      if (focused) {
        const s = e.skew;
        if (s.put25 !== undefined)
          markers.push({ x: 25, label: '25Δ P', color: '#f87171', series: e.expiry });
        if (s.call25 !== undefined)
          markers.push({ x: 75, label: '25Δ C', color: '#34d399', series: e.expiry });
      }
    });
    return { series, markers };
  }, [props.expiries, props.focus, props.mode]);
  return (
    <XYChart
      series={series}
      markers={markers}
      label={`Implied volatility smile by ${props.mode}, one line per expiry`}
      testId="smile-chart"
      format={ivFormat}
    />
  );
}

function TermChart({ expiries }: { expiries: ExpiryVol[] }) {
  const series = useMemo<XYSeries[]>(() => {
    const live = expiries.filter((e) => e.t > 0);
    return [
      {
        id: 'atm',
        label: 'ATM',
        color: '#38bdf8',
        width: 3,
        points: live.flatMap((e) => (e.atmIv === undefined ? [] : [{ x: e.days, y: e.atmIv }])),
      },
      {
        id: 'p25',
        label: '25Δ put',
        color: '#f87171',
        width: 1,
        points: live.flatMap((e) =>
          e.skew.put25 === undefined ? [] : [{ x: e.days, y: e.skew.put25 }],
        ),
      },
      {
        id: 'c25',
        label: '25Δ call',
        color: '#34d399',
        width: 1,
        points: live.flatMap((e) =>
          e.skew.call25 === undefined ? [] : [{ x: e.days, y: e.skew.call25 }],
        ),
      },
    ];
  }, [expiries]);
  return (
    <>
      <XYChart
        series={series}
        label="ATM implied volatility and 25-delta wings by days to expiry"
        testId="term-chart"
        format={ivFormat}
      />
      <p className="text-[11px] text-zinc-500">x = calendar days to expiry.</p>
    </>
  );
}

function ExpiryTable(props: {
  expiries: ExpiryVol[];
  focus: string;
  onFocus: (e: string) => void;
}) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="expiry-table">
        <thead className="text-[11px] uppercase text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Expiry</th>
            <th className="text-right font-medium">DTE</th>
            <th className="text-right font-medium">ATM</th>
            <th className="text-right font-medium">ATM IV</th>
            <th className="text-right font-medium">RR 25Δ</th>
            <th className="text-right font-medium">BF 25Δ</th>
            <th className="text-right font-medium">RR 10Δ</th>
            <th className="text-right font-medium">BF 10Δ</th>
            <th className="text-right font-medium">PCR OI</th>
            <th className="text-right font-medium">PCR vol</th>
            <th className="text-right font-medium">Max pain</th>
            <th className="text-right font-medium">Call OI</th>
            <th className="text-right font-medium">Put OI</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800 font-mono text-zinc-300">
          {props.expiries.map((e) => (
            <tr
              key={e.expiry}
              onClick={() => props.onFocus(e.expiry)}
              aria-selected={e.expiry === props.focus}
              className={`cursor-pointer ${e.expiry === props.focus ? 'bg-zinc-800/70 text-zinc-50' : 'hover:bg-zinc-900'}`}
            >
              <td className="py-1 font-sans">{e.expiry}</td>
              <td className="text-right">{dte(e.days)}</td>
              <td className="text-right">{price(e.atmStrike)}</td>
              <td className="text-right">{volPct(e.atmIv)}</td>
              <td className="text-right">{volPts(e.skew.riskReversal25)}</td>
              <td className="text-right">{volPts(e.skew.butterfly25)}</td>
              <td className="text-right">{volPts(e.skew.riskReversal10)}</td>
              <td className="text-right">{volPts(e.skew.butterfly10)}</td>
              <td className="text-right">{ratio(e.positioning.pcrOi)}</td>
              <td className="text-right">{ratio(e.positioning.pcrVolume)}</td>
              <td className="text-right">{price(e.positioning.maxPain)}</td>
              <td className="text-right">{count(e.positioning.totals.callOi)}</td>
              <td className="text-right">{count(e.positioning.totals.putOi)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-1 text-[11px] text-zinc-500">
        Risk reversal = call IV − put IV at the same delta (negative: puts bid); butterfly = mean
        wing IV − ATM IV. An expiry without time left has no deltas to read skew from.
      </p>
    </div>
  );
}
