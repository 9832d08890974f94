'use client';
/**
 * The header's bell: alerts of the trader's deployments (entries, stops, re-entries, denials,
 * broker errors, kills), streamed over SSE as they are raised, with the unread count.
 */
import { useMutation } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { useTRPC } from '@/components/trpc/react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/api/root';

type Feed = inferRouterOutputs<AppRouter>['alerts']['notifications'];
const when = new Intl.DateTimeFormat(undefined, { timeStyle: 'short', dateStyle: 'short' });

export function NotificationBell() {
  const trpc = useTRPC();
  const ids = useId();
  const [feed, setFeed] = useState<Feed | null>(null);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useSubscription(trpc.alerts.stream.subscriptionOptions(undefined, { onData: (d) => setFeed(d as Feed) })); // prettier-ignore
  const markRead = useMutation(
    trpc.alerts.markAllRead.mutationOptions({
      onSuccess: () => setFeed((f) => (f ? { items: f.items.map((i) => ({ ...i, readAt: i.readAt ?? new Date() })), unread: 0 } : f)), // prettier-ignore
    }),
  );
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', onDown);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('mousedown', onDown);
      window.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const unread = feed?.unread ?? 0;
  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={`${ids}-list`}
        aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
        onClick={() => setOpen(!open)}
        className="relative rounded p-1 text-zinc-300 hover:bg-zinc-800"
        data-testid="notification-bell"
        data-unread={unread}
      >
        <svg
          viewBox="0 0 20 20"
          className="h-4 w-4"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.6}
          aria-hidden
        >
          <path
            d="M10 3a4 4 0 00-4 4v3l-1.5 3h11L14 10V7a4 4 0 00-4-4zM8.5 16a1.5 1.5 0 003 0"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
        {unread > 0 && (
          <span className="absolute -right-1 -top-1 min-w-4 rounded-full bg-rose-600 px-1 text-[10px] leading-4 text-white">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          id={`${ids}-list`}
          role="region"
          aria-label="Notifications"
          className="absolute right-0 z-30 mt-1 w-96 rounded border border-zinc-700 bg-zinc-900 p-2 text-xs shadow-xl"
        >
          <div className="mb-1 flex items-center justify-between">
            <span className="font-medium text-zinc-200">Notifications</span>
            <span className="flex gap-3">
              <Link
                href="/settings/alerts"
                className="text-sky-400 hover:underline"
                onClick={() => setOpen(false)}
              >
                Alert settings
              </Link>
              <button
                type="button"
                disabled={unread === 0}
                onClick={() => markRead.mutate()}
                className="text-zinc-300 hover:text-zinc-100 disabled:opacity-50"
              >
                Mark all read
              </button>
            </span>
          </div>
          {!feed?.items.length ? (
            <p className="py-3 text-center text-zinc-400">
              No alerts yet. Entries, stops, re-entries, denials, broker errors and kills of your
              deployments show up here.
            </p>
          ) : (
            <ul className="max-h-96 space-y-1 overflow-auto" data-testid="notification-list">
              {feed.items.map((n) => (
                <li
                  key={n.id}
                  className={`rounded px-2 py-1 ${n.readAt ? '' : 'bg-zinc-800/70'}`}
                  data-kind={n.kind}
                >
                  <div className="flex justify-between gap-2">
                    {n.deploymentId ? (
                      <Link
                        href={`/deployments/${n.deploymentId}`}
                        className="font-medium text-zinc-100 hover:underline"
                        onClick={() => setOpen(false)}
                      >
                        {n.title}
                      </Link>
                    ) : (
                      <span className="font-medium text-zinc-100">{n.title}</span>
                    )}
                    <span className="shrink-0 text-zinc-400">
                      {when.format(new Date(n.createdAt))}
                    </span>
                  </div>
                  <p className="text-zinc-400">{n.message}</p>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
