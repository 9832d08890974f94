'use client';
/**
 * Settings, Alerts: where alerts go besides the app's bell. A Telegram bot (its token is sent once
 * and never shown again) or a webhook; each channel shows when it last delivered, its last error
 * and its recent messages, so a failing channel is seen here rather than missed.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';
import { ALERT_KIND_LABEL, ALERT_KINDS } from '@/engine/runtime/alert-kinds';

const input =
  'w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-xs text-zinc-100 focus:border-zinc-500 focus:outline-none';
const button =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 disabled:opacity-50';
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
const STATUS: Record<string, string> = {
  sent: 'text-emerald-400',
  sending: 'text-sky-300',
  retrying: 'text-amber-300',
  failed: 'text-rose-400',
};

function AddChannel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const ids = useId();
  const [kind, setKind] = useState<'telegram' | 'webhook'>('telegram');
  const [label, setLabel] = useState('');
  const [botToken, setBotToken] = useState('');
  const [chatId, setChatId] = useState('');
  const [url, setUrl] = useState('');
  const add = useMutation(
    trpc.alerts.addChannel.mutationOptions({
      onSuccess: async () => {
        setLabel('');
        setBotToken('');
        setChatId('');
        setUrl('');
        await qc.invalidateQueries({ queryKey: trpc.alerts.channels.queryKey() });
      },
    }),
  );
  const fieldErrors =
    (add.error as { data?: { zodError?: { fieldErrors?: Record<string, string[]> } } } | null)?.data
      ?.zodError?.fieldErrors ?? {};
  return (
    <form
      aria-label="Add an alert channel"
      className="space-y-2 rounded border border-zinc-800 p-3 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate(kind === 'telegram' ? { kind, label, botToken, chatId } : { kind, label, url });
      }}
    >
      <h2 className="font-medium text-zinc-200">Add a channel</h2>
      <div className="grid gap-2 sm:grid-cols-2">
        <label className="flex flex-col gap-1 text-zinc-400" htmlFor={`${ids}-kind`}>
          Kind
          <select
            id={`${ids}-kind`}
            className={input}
            value={kind}
            onChange={(e) => setKind(e.target.value as 'telegram' | 'webhook')}
          >
            <option value="telegram">Telegram bot</option>
            <option value="webhook">Webhook (JSON POST)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-zinc-400">
          Label
          <input
            className={input}
            required
            maxLength={60}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        {kind === 'telegram' ? (
          <>
            <label className="flex flex-col gap-1 text-zinc-400">
              Bot token
              <input
                className={input}
                required
                type="password"
                autoComplete="off"
                value={botToken}
                onChange={(e) => setBotToken(e.target.value)}
              />
            </label>
            <label className="flex flex-col gap-1 text-zinc-400">
              Chat id
              <input
                className={input}
                required
                value={chatId}
                onChange={(e) => setChatId(e.target.value)}
              />
            </label>
          </>
        ) : (
          <label className="flex flex-col gap-1 text-zinc-400 sm:col-span-2">
            Webhook URL
            <input
              className={input}
              required
              type="url"
              autoComplete="off"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </label>
        )}
      </div>
      <p className="text-zinc-400">
        {kind === 'telegram'
          ? 'Create a bot with @BotFather, send it a message from the chat that should get alerts, and paste the bot token and that chat id. The token is encrypted on the server and never shown again.'
          : 'Each alert is POSTed as JSON (key, kind, title, message, deploymentId, at) with an Idempotency-Key header. The URL is encrypted on the server; only its host is shown.'}
      </p>
      {Object.entries(fieldErrors).map(([k, v]) => (
        <p key={k} role="alert" className="text-rose-400">
          {k}: {v[0]}
        </p>
      ))}
      {add.error && Object.keys(fieldErrors).length === 0 && (
        <p role="alert" className="text-rose-400">
          {errorMessage(add.error)}
        </p>
      )}
      <button type="submit" className={button} disabled={add.isPending}>
        {add.isPending ? 'Saving…' : 'Add channel'}
      </button>
    </form>
  );
}

/** How long the page keeps looking for a test alert's outcome before it leaves the rows as they are. */
const TEST_WATCH_MS = 90_000;

type Channel = { enabled: boolean; recent: { notificationId: number; status: string }[] };

/** Whether every enabled channel has settled (sent, failed or retrying later) the test alert `id`. */
function testSettled(channels: Channel[], id: number) {
  return channels
    .filter((c) => c.enabled)
    .every((c) => c.recent.some((r) => r.notificationId === id && r.status !== 'sending'));
}

export function AlertSettings() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  // The test alert sent last and when: the page looks again until its delivery settles, however
  // long the worker takes to pick it up (a busy or restarting worker may take more than seconds).
  const [watch, setWatch] = useState<{ id: number; since: number; overdue?: true } | null>(null);
  useEffect(() => {
    if (!watch || watch.overdue) return;
    const t = setTimeout(
      () => setWatch((w) => (w?.id === watch.id ? { ...w, overdue: true } : w)),
      TEST_WATCH_MS - (Date.now() - watch.since),
    );
    return () => clearTimeout(t);
  }, [watch]);
  const channels = useQuery({
    ...trpc.alerts.channels.queryOptions(),
    // While a message is on its way, look again until it settles (sent, failed or retrying later).
    refetchInterval: (q) => {
      const data = q.state.data;
      if (!data) return false;
      if (watch && !watch.overdue && !testSettled(data, watch.id)) return 1_500;
      return data.some((c) => c.recent.some((r) => r.status === 'sending')) ? 2_000 : false;
    },
  });
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.alerts.channels.queryKey() });
  const setEnabled = useMutation(trpc.alerts.setEnabled.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.alerts.removeChannel.mutationOptions({ onSuccess: invalidate }));
  const test = useMutation(
    trpc.alerts.sendTest.mutationOptions({
      onSuccess: ({ id }) => {
        setWatch({ id, since: Date.now() });
        void invalidate();
      },
    }),
  );
  const unsettled = watch !== null && channels.data !== undefined && !testSettled(channels.data, watch.id); // prettier-ignore
  const error = setEnabled.error ?? remove.error ?? test.error;
  return (
    <div className="grid gap-4 lg:grid-cols-[1fr_360px]">
      <div className="space-y-3">
        <p className="text-xs text-zinc-400">
          Alerts are raised for{' '}
          {ALERT_KINDS.map((k) => ALERT_KIND_LABEL[k].toLowerCase()).join(', ')} events of your
          deployments. They always appear under the bell; each channel below also gets one message
          per alert (never two, even when a send is retried).
        </p>
        {error && <ErrorNotice>{errorMessage(error)}</ErrorNotice>}
        {channels.isPending ? (
          <LoadingRows rows={2} />
        ) : channels.isError ? (
          <ErrorNotice>{errorMessage(channels.error)}</ErrorNotice>
        ) : channels.data.length === 0 ? (
          <EmptyState title="No alert channel">
            Alerts show under the bell in the header. Add a Telegram bot or a webhook to get them on
            your phone or in your own tools too.
          </EmptyState>
        ) : (
          <>
            <button
              type="button"
              className={button}
              disabled={test.isPending}
              onClick={() => test.mutate()}
            >
              {test.isPending ? 'Sending…' : 'Send a test alert'}
            </button>
            {unsettled && !watch.overdue && (
              <p className="text-xs text-sky-300" role="status" data-testid="test-alert-waiting">
                Test alert queued; waiting for the alert worker to deliver it…
              </p>
            )}
            {unsettled && watch.overdue && (
              <p className="text-xs text-amber-300" role="alert" data-testid="test-alert-overdue">
                The test alert was not delivered within {TEST_WATCH_MS / 1000} s: the alert worker
                may be stopped or busy. It stays queued; reload this page later to see its outcome.
              </p>
            )}
            <ul className="space-y-2">
              {channels.data.map((c) => (
                <li
                  key={c.id}
                  className="rounded border border-zinc-800 p-3 text-xs"
                  data-testid="alert-channel"
                  data-kind={c.kind}
                >
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <div>
                      <span className="font-medium text-zinc-100">{c.label}</span>{' '}
                      <span className="text-zinc-400">
                        · {c.kind === 'telegram' ? 'Telegram' : 'Webhook'} · {c.hint}
                      </span>
                    </div>
                    <div className="flex items-center gap-2">
                      <label className="flex items-center gap-1 text-zinc-300">
                        <input
                          type="checkbox"
                          checked={c.enabled}
                          onChange={(e) =>
                            setEnabled.mutate({ id: c.id, enabled: e.target.checked })
                          }
                        />
                        Enabled
                      </label>
                      <button
                        type="button"
                        className={button}
                        onClick={() => remove.mutate({ id: c.id })}
                      >
                        Remove
                      </button>
                    </div>
                  </div>
                  <p className="mt-1 text-zinc-400">
                    {c.lastSentAt
                      ? `Last delivered ${when.format(new Date(c.lastSentAt))}.`
                      : 'Nothing delivered yet.'}
                  </p>
                  {c.lastError && (
                    <p role="alert" className="mt-1 text-rose-400" data-testid="channel-error">
                      Last error{c.lastErrorAt ? ` (${when.format(new Date(c.lastErrorAt))})` : ''}:{' '}
                      {c.lastError}
                    </p>
                  )}
                  {c.recent.length > 0 && (
                    <table className="mt-2 w-full text-left">
                      <caption className="sr-only">Recent messages on {c.label}</caption>
                      <thead className="text-zinc-400">
                        <tr>
                          <th className="pr-2 font-medium">When</th>
                          <th className="pr-2 font-medium">Alert</th>
                          <th className="pr-2 font-medium">Status</th>
                          <th className="font-medium">Detail</th>
                        </tr>
                      </thead>
                      <tbody>
                        {c.recent.map((r, i) => (
                          <tr key={i} data-testid="delivery-row" data-status={r.status}>
                            <td className="pr-2 text-zinc-400">{when.format(new Date(r.at))}</td>
                            <td className="pr-2 text-zinc-300">{r.title}</td>
                            <td className={`pr-2 ${STATUS[r.status] ?? ''}`}>
                              {r.status}
                              {r.attempts > 1 ? ` (${r.attempts} tries)` : ''}
                            </td>
                            <td className="text-zinc-400">{r.detail}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <AddChannel />
    </div>
  );
}
