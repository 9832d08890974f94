'use client';
/**
 * One deployment's page, composed of small parts (header and controls, P&L chart, positions,
 * orders and fills, decision trace, audit) fed by one SSE stream; other parts (a mode switch,
 * reconciliation status) slot into `extras`.
 */
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type ReactNode } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { ErrorNotice, LoadingRows, PageHeader } from '@/components/ui/page';
import { AuditTable } from './audit-table';
import { FeedBadge, ModeBadge, StatusBadge } from './badges';
import { DeploymentControls } from './deployment-controls';
import { ModeSwitch } from './mode-switch';
import { ReconciliationStatus } from './reconciliation-status';
import { EventTrace } from './event-trace';
import { money, pnlClass, started } from './format';
import { FillsTable, OrdersTable } from './orders-table';
import { PnlChart } from './pnl-chart';
import { PositionsTable } from './positions-table';
import type { DeploymentView as View, PositionRow } from './types';
import { useDeploymentStream } from './use-deployment-stream';

function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section aria-labelledby={id} className="rounded border border-zinc-800 bg-zinc-950/40 p-3">
      <h2 id={id} className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-400">
        {title}
      </h2>
      {children}
    </section>
  );
}

function Figures({ view }: { view: View }) {
  const cell = (label: string, value: ReactNode, testId?: string) => (
    <div className="rounded border border-zinc-800 px-3 py-2">
      <dt className="text-[11px] text-zinc-400">{label}</dt>
      <dd className="font-mono text-sm" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <dl className="grid grid-cols-2 gap-2 md:grid-cols-5">
      {cell(
        'MTM (net)',
        <span className={pnlClass(view.pnl?.net)}>{money(view.pnl?.net, 2)}</span>,
        'deployment-net',
      )}{' '}
      {/* prettier-ignore */}
      {cell(
        "Today's P&L",
        <span className={pnlClass(view.pnl?.day)}>{money(view.pnl?.day, 2)}</span>,
      )}{' '}
      {/* prettier-ignore */}
      {cell('Costs', money(view.pnl?.costs, 2))}
      {cell(
        'Trading state',
        <span title={view.tradingStateReason ?? undefined}>{view.tradingState}</span>,
      )}{' '}
      {/* prettier-ignore */}
      {cell(
        'Market',
        view.market.length
          ? view.market.map((m) => `${m.underlying} ${money(m.spot, 2)}`).join(' · ')
          : '—',
      )}{' '}
      {/* prettier-ignore */}
    </dl>
  );
}

export function DeploymentPage({ id, extras }: { id: string; extras?: (view: View) => ReactNode }) {
  const trpc = useTRPC();
  const s = useDeploymentStream(id);
  const [notice, setNotice] = useState<string | null>(null);
  const [busyLeg, setBusyLeg] = useState<string | null>(null);
  const squareLeg = useMutation(
    trpc.deployments.squareOff.mutationOptions({
      onSuccess: (_r, v) => setNotice(`Square-off of leg ${v.legId} sent.`),
      onSettled: () => setBusyLeg(null),
    }),
  );
  if (!s.view) {
    if (s.error) return <ErrorNotice>{s.error}</ErrorNotice>;
    return <LoadingRows rows={6} />;
  }
  const v = s.view;
  const active = v.status === 'running' || v.status === 'paused';
  const onSquareOff = (p: PositionRow) => {
    setBusyLeg(`${p.strategyId}/${p.legId}`);
    squareLeg.mutate({ id, strategyId: p.strategyId, legId: p.legId });
  };
  return (
    <div className="space-y-3" data-testid="deployment-page" data-status={v.status}>
      <PageHeader
        title={v.name}
        description={`${v.underlyings.join(', ')} · ${v.feed.label} · started ${started(v.createdAt)}`}
        actions={
          <>
            <Link
              href="/deployments"
              className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
            >
              All deployments
            </Link>
            <DeploymentControls id={id} name={v.name} status={v.status} onSent={setNotice} />
            {active && <ModeSwitch deploymentId={id} mode={v.mode} />}
          </>
        }
      />
      <div className="flex flex-wrap items-center gap-2 text-xs">
        <ModeBadge mode={v.mode} />
        <StatusBadge status={v.status} />
        <FeedBadge feed={v.feed} />
        {v.statusReason && <span className="text-zinc-400">{v.statusReason}</span>}
        {/* The switch dialog closes once the switch stops this deployment: the way on stays here. */}
        {v.successor && (
          <Link href={`/deployments/${v.successor.id}`} className="text-sky-400 underline">
            Open the {v.successor.mode} deployment
          </Link>
        )}
        <span className="ml-auto text-zinc-400" aria-live="polite">
          {s.error
            ? `Stream interrupted: ${s.error}`
            : s.status === 'pending'
              ? 'Live'
              : 'Connecting…'}
        </span>
      </div>
      {notice && (
        <p role="status" className="text-xs text-emerald-400">
          {notice}
        </p>
      )}
      {squareLeg.error && <ErrorNotice>{errorMessage(squareLeg.error)}</ErrorNotice>}
      {extras?.(v)}
      <ReconciliationStatus deploymentId={id} />
      <Figures view={v} />
      <Section id="pnl-title" title="P&L">
        <PnlChart points={s.pnl} />
      </Section>
      <Section id="positions-title" title="Positions">
        <PositionsTable
          positions={v.positions}
          canTrade={active}
          busyLeg={busyLeg}
          onSquareOff={onSquareOff}
        />
      </Section>
      <div className="grid gap-3 xl:grid-cols-2">
        <Section id="orders-title" title="Orders">
          <OrdersTable orders={v.orders} />
        </Section>
        <Section id="fills-title" title="Fills">
          <FillsTable fills={v.fills} />
        </Section>
      </div>
      <Section id="trace-title" title="Decision trace">
        <EventTrace events={s.events} />
      </Section>
      <Section id="audit-title" title="Audit">
        <AuditTable rows={v.audit} />
      </Section>
    </div>
  );
}
