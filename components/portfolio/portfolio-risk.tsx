'use client';
/**
 * The portfolio risk page: every running and paused deployment of the trader, live and paper
 * apart (one section per mode and currency), summed per underlying and per expiry, updated by
 * the server's SSE stream whenever a deployment moves (never by polling), with the trader's
 * limits beside it. Crossing a limit pauses new entries; the page says which limit and where.
 */
import { useMutation } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import type { PortfolioLimits, PortfolioSection, RiskFigures } from '@/engine/analysis/portfolio';
import { formatMoney } from '@/components/templates/format';
import { price } from '@/components/analysis/format';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';
import { errorMessage, useTRPC } from '@/components/trpc/react';

type View = { limits: PortfolioLimits; sections: PortfolioSection[]; deploymentIds: string[] };

export function PortfolioRisk() {
  const trpc = useTRPC();
  const [view, setView] = useState<View | undefined>();
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const sub = useSubscription(
    trpc.portfolio.stream.subscriptionOptions(undefined, {
      onData: (d) => {
        setView(d as View);
        setUpdatedAt(new Date());
      },
    }),
  );

  if (!view) {
    if (sub.status === 'error') return <ErrorNotice>{errorMessage(sub.error)}</ErrorNotice>;
    return <LoadingRows rows={5} />;
  }
  const live = view.sections.filter((s) => s.mode === 'live');
  const paper = view.sections.filter((s) => s.mode === 'paper');
  return (
    <div className="space-y-6">
      <p className="text-xs text-zinc-500" data-testid="portfolio-updated">
        {sub.status === 'connecting'
          ? 'Reconnecting…'
          : sub.status === 'error'
            ? 'Stream lost'
            : 'Live'}{' '}
        · updated {updatedAt ? updatedAt.toLocaleTimeString() : '—'} · greeks of held legs on the
        chain each deployment last saw; delta per +1 % move of every underlying, theta per day, vega
        per vol point.
      </p>
      {view.sections.length === 0 ? (
        <EmptyState
          title="No running deployment"
          action={
            <Link
              href="/deployments"
              className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
            >
              Deployments
            </Link>
          }
        >
          The portfolio sums what your running and paused deployments hold. Deploy a strategy on
          paper to see its greeks, margin and limits here.
        </EmptyState>
      ) : (
        <>
          <ModeBlock title="Live" sections={live} mode="live" />
          <ModeBlock title="Paper" sections={paper} mode="paper" />
        </>
      )}
      <LimitsForm limits={view.limits} />
    </div>
  );
}

function ModeBlock({
  title,
  sections,
  mode,
}: {
  title: string;
  sections: PortfolioSection[];
  mode: 'live' | 'paper';
}) {
  return (
    <section
      aria-label={`${title} portfolio`}
      className="space-y-3"
      data-testid={`portfolio-${mode}`}
    >
      <h2 className="text-sm font-semibold text-zinc-200">
        {title}{' '}
        <span className="font-normal text-zinc-500">
          {mode === 'live' ? '· real orders at your broker' : '· simulated fills, no money at risk'}
        </span>
      </h2>
      {sections.length === 0 ? (
        <p className="text-xs text-zinc-500">No {title.toLowerCase()} deployment is running.</p>
      ) : (
        sections.map((s) => <Section key={`${s.mode}-${s.currency}`} s={s} />)
      )}
    </section>
  );
}

const signedMoney = (x: number) => `${x > 0 ? '+' : ''}${formatMoney(x)}`;
const tone = (x: number) =>
  x < 0 ? 'text-rose-300' : x > 0 ? 'text-emerald-300' : 'text-zinc-200';

function Section({ s }: { s: PortfolioSection }) {
  const t = s.risk.total;
  return (
    <div
      className="space-y-3 rounded border border-zinc-800 bg-zinc-950 p-3"
      data-testid="portfolio-section"
    >
      {s.breaches.length > 0 && (
        <div
          role="alert"
          className="rounded border border-rose-800/60 bg-rose-950/40 px-3 py-2 text-xs text-rose-200"
        >
          Limit crossed, new entries of these deployments are paused (exits keep working):{' '}
          {s.breaches.map((b) => b.message).join('; ')}. Resume a deployment from its page once the
          book is back inside.
        </div>
      )}
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="text-xs uppercase tracking-wide text-zinc-400">
          {s.currency} · {s.deployments.length} deployment{s.deployments.length === 1 ? '' : 's'} ·{' '}
          {t.legs} leg{t.legs === 1 ? '' : 's'} held{s.risk.asOf ? ` · as of ${s.risk.asOf}` : ''}
        </h3>
        <Link
          href={`/portfolio/scenarios?mode=${s.mode}&currency=${s.currency}`}
          className="rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
        >
          Scenario matrix of this portfolio
        </Link>
      </div>
      <dl
        className="grid grid-cols-2 gap-2 sm:grid-cols-4 xl:grid-cols-8"
        data-testid="portfolio-totals"
      >
        <Figure label="Net delta / +1 %" value={signedMoney(t.deltaCash)} />
        <Figure label="Theta / day" value={signedMoney(t.theta)} />
        <Figure label="Vega / vol pt" value={signedMoney(t.vega)} />
        <Figure label="MTM (open legs)" value={signedMoney(t.mtm)} toneOf={t.mtm} />
        <Figure label="Day P&L (net)" value={signedMoney(s.dayPnl)} toneOf={s.dayPnl} />
        <Figure label="Net P&L" value={signedMoney(s.netPnl)} toneOf={s.netPnl} />
        <Figure label="Margin used" value={formatMoney(t.margin)} />
        <Figure label="Legs" value={String(t.legs)} />
      </dl>

      {s.risk.byUnderlying.length > 0 && (
        <RiskTable
          caption="By underlying"
          testId="by-underlying"
          rows={s.risk.byUnderlying.map((u) => ({
            key: u.underlying,
            label: (
              <>
                {u.underlying} <span className="text-zinc-500">{price(u.spot)}</span>
              </>
            ),
            f: u,
          }))}
          units
        />
      )}
      {s.risk.byExpiry.length > 0 && (
        <RiskTable
          caption="By expiry (margin of each expiry's legs alone)"
          testId="by-expiry"
          rows={s.risk.byExpiry.map((e) => ({
            key: `${e.underlying}-${e.expiry}`,
            label: (
              <>
                {e.underlying} {e.expiry}{' '}
                <span className="text-zinc-500">{e.days.toFixed(1)} d</span>
              </>
            ),
            f: e,
          }))}
          units
        />
      )}
      <RiskTable
        caption="By deployment"
        testId="by-deployment"
        rows={s.deployments.map((d) => ({
          key: d.id,
          label: (
            <span className="flex max-w-md flex-col">
              <Link href={`/deployments/${d.id}`} className="text-sky-300 hover:underline">
                {d.name}
              </Link>
              <span
                className="line-clamp-2 text-[10px] text-zinc-500"
                title={d.tradingStateReason ?? undefined}
              >
                {d.status}
                {d.tradingState !== 'ACTIVE'
                  ? ` · ${d.tradingState === 'REDUCING' ? 'exits only' : d.tradingState.toLowerCase()}${d.tradingStateReason ? `: ${d.tradingStateReason}` : ''}`
                  : ''}
                {d.skipped.length ? ` · ${d.skipped.length} leg(s) not valued` : ''}
              </span>
            </span>
          ),
          f: d.figures,
          pnl: d.pnl?.net ?? 0,
          action: (
            <Link
              href={`/portfolio/scenarios?deployment=${d.id}`}
              className="text-sky-300 hover:underline"
              aria-label={`Scenarios of ${d.name}`}
            >
              Scenarios
            </Link>
          ),
        }))}
      />
    </div>
  );
}

function Figure({ label, value, toneOf }: { label: string; value: string; toneOf?: number }) {
  return (
    <div className="rounded bg-zinc-900/70 px-2 py-1.5">
      <dt className="text-[10px] uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className={`font-mono text-sm ${toneOf === undefined ? 'text-zinc-100' : tone(toneOf)}`}>
        {value}
      </dd>
    </div>
  );
}

type Row = {
  key: string;
  label: React.ReactNode;
  f: RiskFigures;
  pnl?: number;
  action?: React.ReactNode;
};

function RiskTable({
  caption,
  rows,
  units,
  testId,
}: {
  caption: string;
  rows: Row[];
  units?: boolean;
  testId: string;
}) {
  const withPnl = rows.some((r) => r.pnl !== undefined);
  const withAction = rows.some((r) => r.action);
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid={testId}>
        <caption className="mb-1 text-left text-[11px] uppercase tracking-wide text-zinc-500">
          {caption}
        </caption>
        <thead className="text-[11px] text-zinc-500">
          <tr>
            <th className="py-1 font-medium" />
            {units && <th className="text-right font-medium">Delta (units)</th>}
            {units && <th className="text-right font-medium">Gamma (units)</th>}
            <th className="text-right font-medium">Delta / +1 %</th>
            <th className="text-right font-medium">Theta / day</th>
            <th className="text-right font-medium">Vega / vol pt</th>
            <th className="text-right font-medium">MTM</th>
            {withPnl && <th className="text-right font-medium">Net P&L</th>}
            <th className="text-right font-medium">Margin</th>
            <th className="text-right font-medium">Legs</th>
            {withAction && <th />}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-800 font-mono text-zinc-300">
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="py-1 font-sans">{r.label}</td>
              {units && <td className="text-right">{r.f.delta.toFixed(1)}</td>}
              {units && <td className="text-right">{r.f.gamma.toFixed(4)}</td>}
              <td className="text-right">{signedMoney(r.f.deltaCash)}</td>
              <td className="text-right">{signedMoney(r.f.theta)}</td>
              <td className="text-right">{signedMoney(r.f.vega)}</td>
              <td className={`text-right ${tone(r.f.mtm)}`}>{signedMoney(r.f.mtm)}</td>
              {withPnl && (
                <td className={`text-right ${tone(r.pnl ?? 0)}`}>{signedMoney(r.pnl ?? 0)}</td>
              )}
              <td className="text-right">{formatMoney(r.f.margin)}</td>
              <td className="text-right">{r.f.legs}</td>
              {withAction && <td className="pl-3 text-right font-sans">{r.action}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const LIMIT_FIELDS: { key: keyof PortfolioLimits; label: string; hint: string }[] = [
  { key: 'maxNetDelta', label: 'Net delta', hint: 'money per +1 % move, either way' },
  { key: 'maxVega', label: 'Vega', hint: 'money per vol point, either way' },
  { key: 'maxDayLoss', label: "Day's loss", hint: 'net P&L of the day across deployments' },
];

function LimitsForm({ limits }: { limits: PortfolioLimits }) {
  const trpc = useTRPC();
  const ids = useId();
  const [draft, setDraft] = useState<Record<keyof PortfolioLimits, string>>(() => asDraft(limits));
  const [saved, setSaved] = useState(false);
  const save = useMutation(
    trpc.portfolio.setLimits.mutationOptions({ onSuccess: () => setSaved(true) }),
  );
  const key = JSON.stringify(limits);
  useEffect(() => setDraft(asDraft(JSON.parse(key) as PortfolioLimits)), [key]);
  const parsed = Object.fromEntries(
    LIMIT_FIELDS.map(({ key: k }) => {
      const v = draft[k].trim();
      return [k, v === '' ? null : Number(v)];
    }),
  ) as Record<keyof PortfolioLimits, number | null>;
  const bad = LIMIT_FIELDS.filter(({ key: k }) => {
    const v = parsed[k];
    return v !== null && !(Number.isFinite(v) && v > 0 && v <= 1e12);
  });
  return (
    <section aria-label="Portfolio limits" className="space-y-2 rounded border border-zinc-800 p-3">
      <h2 className="text-sm font-semibold text-zinc-200">Limits</h2>
      <p className="text-xs text-zinc-500">
        Checked after every tick and fill of your deployments, live and paper each on its own, per
        currency. Crossing one pauses new entries of every running deployment in that portfolio (an
        event on each deployment); stops, targets and exits keep working. Empty means no limit.
      </p>
      <form
        className="flex flex-wrap items-end gap-3 text-xs"
        onSubmit={(e) => {
          e.preventDefault();
          if (bad.length) return;
          setSaved(false);
          save.mutate(parsed);
        }}
      >
        {LIMIT_FIELDS.map(({ key: k, label, hint }) => (
          <label key={k} className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-${k}`}>
            {label}
            <input
              id={`${ids}-${k}`}
              inputMode="decimal"
              value={draft[k]}
              placeholder="no limit"
              aria-invalid={bad.some((b) => b.key === k)}
              aria-describedby={`${ids}-${k}-hint`}
              onChange={(e) => {
                setSaved(false);
                setDraft({ ...draft, [k]: e.target.value });
              }}
              className="w-36 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 font-mono text-zinc-100"
            />
            <span id={`${ids}-${k}-hint`} className="text-[10px] text-zinc-500">
              {hint}
            </span>
          </label>
        ))}
        <button
          type="submit"
          disabled={save.isPending || bad.length > 0}
          className="rounded bg-sky-600 px-3 py-1.5 text-white hover:bg-sky-500 disabled:opacity-50"
        >
          Save limits
        </button>
        {saved && <span className="text-emerald-300">Saved; checked now.</span>}
      </form>
      {bad.length > 0 && (
        <p role="alert" className="text-xs text-rose-300">
          {bad.map((b) => b.label).join(', ')}: give a positive amount up to 1,000,000,000,000, or
          leave it empty for no limit.
        </p>
      )}
      {save.isError && <ErrorNotice>{errorMessage(save.error)}</ErrorNotice>}
    </section>
  );
}

function asDraft(l: PortfolioLimits): Record<keyof PortfolioLimits, string> {
  return {
    maxNetDelta: l.maxNetDelta === null ? '' : String(l.maxNetDelta),
    maxVega: l.maxVega === null ? '' : String(l.maxVega),
    maxDayLoss: l.maxDayLoss === null ? '' : String(l.maxDayLoss),
  };
}
