'use client';
/**
 * One deployment as it happens, from the `deployments.events` SSE subscription: its decision
 * trace (appended event by event) and its latest view (status, positions, orders, fills, audit),
 * with the P&L series kept whole here while the server sends only its new points.
 */
import { useSubscription } from '@trpc/tanstack-react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import type { DeploymentView, TraceEvent } from './types';

type PnlPoint = DeploymentView['pnlSeries'][number];
/** The newest events kept on the page (the trace shows these; older ones stay in the database). */
const MAX_EVENTS = 2_000;

export type DeploymentStream = {
  view: DeploymentView | null;
  pnl: PnlPoint[];
  events: TraceEvent[];
  error: string | null;
  status: 'connecting' | 'pending' | 'idle' | 'error';
};

type Message =
  | ({ kind: 'event' } & TraceEvent)
  | { kind: 'view'; pnlSince: string | null; view: DeploymentView };

export function useDeploymentStream(id: string): DeploymentStream {
  const trpc = useTRPC();
  const [view, setView] = useState<DeploymentView | null>(null);
  const [pnl, setPnl] = useState<PnlPoint[]>([]);
  const [events, setEvents] = useState<TraceEvent[]>([]);
  const sub = useSubscription(
    trpc.deployments.events.subscriptionOptions(
      { id },
      {
        onData: (tracked) => {
          const m = tracked.data as Message;
          if (m.kind === 'event') {
            setEvents((prev) => {
              if (prev.length && prev[prev.length - 1].seq >= m.seq) return prev;
              const next = [...prev, { seq: m.seq, ts: m.ts, type: m.type, strategyId: m.strategyId, legId: m.legId, message: m.message }]; // prettier-ignore
              return next.length > MAX_EVENTS ? next.slice(-MAX_EVENTS) : next;
            });
            return;
          }
          setView(m.view);
          setPnl((prev) => {
            if (m.pnlSince === null) return m.view.pnlSeries;
            if (m.view.pnlSeries.length === 0) return prev;
            // The last point of a tick is rewritten when that tick's fills arrive: replace it.
            const first = m.view.pnlSeries[0].ts;
            return [...prev.filter((p) => p.ts < first), ...m.view.pnlSeries].slice(-20_000);
          });
        },
      },
    ),
  );
  return {
    view,
    pnl,
    events,
    error: sub.error ? errorMessage(sub.error) : null,
    status: sub.status,
  };
}
