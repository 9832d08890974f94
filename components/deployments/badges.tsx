/** Status, mode and feed of a deployment as small badges (the list and the deployment page). */
import type { DeploymentRow } from './types';

const STATUS: Record<string, string> = {
  running: 'border-emerald-700 text-emerald-300',
  paused: 'border-amber-700 text-amber-300',
  stopped: 'border-zinc-600 text-zinc-300',
  completed: 'border-zinc-600 text-zinc-300',
  killed: 'border-rose-700 text-rose-300',
  failed: 'border-rose-700 text-rose-300',
};

const badge = 'inline-flex items-center rounded border px-1.5 py-0.5 text-[11px] leading-none';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`${badge} ${STATUS[status] ?? 'border-zinc-600 text-zinc-300'}`}
      data-testid="deployment-status"
    >
      {status}
    </span>
  );
}

export function ModeBadge({ mode }: { mode: DeploymentRow['mode'] }) {
  return (
    <span
      className={`${badge} font-medium uppercase ${mode === 'live' ? 'border-rose-600 bg-rose-950/60 text-rose-200' : 'border-sky-700 bg-sky-950/40 text-sky-200'}`}
      data-testid="mode-badge"
    >
      {mode}
    </span>
  );
}

/** "Simulated" wherever a deployment trades on simulated prices, so it is never taken for the market. */
export function FeedBadge({ feed }: { feed: DeploymentRow['feed'] }) {
  const simulated = feed.kind === 'session' || feed.kind === 'market';
  return (
    <span className={`${badge} border-zinc-700 text-zinc-300`} title={feed.label}>
      {feed.kind === 'session'
        ? 'simulated session'
        : simulated
          ? 'simulated market'
          : feed.kind === 'broker'
            ? feed.label
            : feed.kind}
    </span>
  );
}
