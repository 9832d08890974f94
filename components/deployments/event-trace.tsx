'use client';
/** The decision trace: every event the kernel emitted, newest first, filterable by text. */
import { useId, useState } from 'react';
import { exchangeClock } from './format';
import type { TraceEvent } from './types';

const TONE: Record<string, string> = {
  ENTRY: 'text-emerald-300',
  FILL: 'text-sky-300',
  STOP_LOSS: 'text-rose-300',
  TRAILING_STOP: 'text-rose-300',
  KILL: 'text-rose-300',
  ORDER_DENIED: 'text-amber-300',
  ORDER_REJECTED: 'text-amber-300',
  SQUARE_OFF: 'text-amber-200',
};

export function EventTrace({ events }: { events: TraceEvent[] }) {
  const [filter, setFilter] = useState('');
  const ids = useId();
  const f = filter.trim().toLowerCase();
  const shown =
    (f ? events.filter((e) => `${e.type} ${e.legId ?? ''} ${e.message}`.toLowerCase().includes(f)) : events) // prettier-ignore
      .slice(-500)
      .reverse();
  return (
    <div className="space-y-2 text-xs">
      <label htmlFor={`${ids}-filter`} className="sr-only">
        Filter the decision trace
      </label>
      <input
        id={`${ids}-filter`}
        className="w-64 rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-zinc-100"
        placeholder="Filter: stop, CE, ORDER_DENIED…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {shown.length === 0 ? (
        <p className="text-zinc-400">{events.length ? 'No event matches.' : 'No decisions yet.'}</p>
      ) : (
        <ol
          className="max-h-96 space-y-0.5 overflow-auto"
          data-testid="event-trace"
          tabIndex={0}
          aria-label="Decision trace"
        >
          {shown.map((e) => (
            <li key={e.seq} className="flex gap-2" data-type={e.type}>
              <span className="shrink-0 font-mono text-zinc-400">{exchangeClock(e.ts)}</span>
              <span className={`w-32 shrink-0 font-mono ${TONE[e.type] ?? 'text-zinc-400'}`}>
                {e.type}
              </span>
              <span className="text-zinc-300">{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
