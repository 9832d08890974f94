'use client';
/**
 * Settings, Brokers: connect a Kite, Alpaca or Deribit account, test it, run Kite's daily login,
 * disconnect. Secrets are typed here and sent once; the server never sends them back, so the
 * list shows only masked keys and what the broker said.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage, useTRPC } from '@/components/trpc/react';
import { EmptyState, ErrorNotice, LoadingRows } from '@/components/ui/page';

type Broker = 'kite' | 'alpaca' | 'deribit';

const FIELDS: Record<Broker, { key: string; label: string; secret: boolean }[]> = {
  kite: [
    { key: 'apiKey', label: 'API key', secret: false },
    { key: 'apiSecret', label: 'API secret', secret: true },
  ],
  alpaca: [
    { key: 'keyId', label: 'API key id', secret: false },
    { key: 'secretKey', label: 'Secret key', secret: true },
  ],
  deribit: [
    { key: 'clientId', label: 'Client id', secret: false },
    { key: 'clientSecret', label: 'Client secret', secret: true },
  ],
};
const NAMES: Record<Broker, string> = {
  kite: 'Zerodha Kite',
  alpaca: 'Alpaca (options)',
  deribit: 'Deribit',
};
const STATUS: Record<string, { text: string; style: string }> = {
  connected: { text: 'Connected', style: 'text-emerald-400' },
  login_required: { text: 'Log in needed', style: 'text-amber-300' },
  checking: { text: 'Checking…', style: 'text-sky-300' },
  error: { text: 'Error', style: 'text-rose-400' },
};
// Kite sessions end at 06:00 in India: say it in IST, whatever the browser's zone.
const istTime = new Intl.DateTimeFormat('en-IN', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Asia/Kolkata',
});
const input =
  'w-full rounded border border-zinc-700 bg-zinc-950 px-2 py-1 text-xs text-zinc-100 focus:border-zinc-500 focus:outline-none';
const button =
  'rounded border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 disabled:opacity-50';

function ConnectForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [broker, setBroker] = useState<Broker>('kite');
  const [label, setLabel] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const connect = useMutation(
    trpc.brokerAccounts.connect.mutationOptions({
      onSuccess: (r) => {
        setMessage(r.message);
        setValues({});
        setLabel('');
        return qc.invalidateQueries({ queryKey: trpc.brokerAccounts.pathKey() });
      },
    }),
  );
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    setMessage(null);
    const credentials = Object.fromEntries(FIELDS[broker].map((f) => [f.key, values[f.key] ?? '']));
    connect.mutate({ broker, label, credentials } as Parameters<typeof connect.mutate>[0]);
  };
  return (
    <form
      onSubmit={submit}
      className="space-y-2 rounded border border-zinc-800 bg-zinc-900/40 p-3"
      aria-label="Connect a broker account"
    >
      <h2 className="text-sm font-medium text-zinc-200">Connect a broker account</h2>
      <div className="grid gap-2 sm:grid-cols-3">
        <label className="text-[11px] text-zinc-400">
          Broker
          <select
            className={input}
            value={broker}
            onChange={(e) => setBroker(e.target.value as Broker)}
            name="broker"
          >
            {(Object.keys(NAMES) as Broker[]).map((b) => (
              <option key={b} value={b}>
                {NAMES[b]}
              </option>
            ))}
          </select>
        </label>
        <label className="text-[11px] text-zinc-400">
          Label
          <input
            className={input}
            name="label"
            value={label}
            maxLength={60}
            placeholder="e.g. Kite main"
            onChange={(e) => setLabel(e.target.value)}
          />
        </label>
        {FIELDS[broker].map((f) => (
          <label key={f.key} className="text-[11px] text-zinc-400">
            {f.label}
            <input
              className={input}
              name={f.key}
              type={f.secret ? 'password' : 'text'}
              autoComplete="off"
              maxLength={256}
              value={values[f.key] ?? ''}
              onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
            />
          </label>
        ))}
      </div>
      {broker === 'kite' && (
        <p className="text-[11px] text-zinc-500">
          Register <code className="text-zinc-300">{callbackUrl}</code> as the redirect URL of your
          Kite Connect app. Kite sessions end at 06:00 IST every day; log in again here each
          morning.
        </p>
      )}
      <div className="flex items-center gap-2">
        <button type="submit" className={button} disabled={connect.isPending}>
          {connect.isPending ? 'Connecting…' : 'Connect'}
        </button>
        {message && (
          <span className="text-xs text-zinc-300" role="status">
            {message}
          </span>
        )}
      </div>
      {connect.isError && <ErrorNotice>{errorMessage(connect.error)}</ErrorNotice>}
    </form>
  );
}

export function BrokerAccounts({ callbackUrl, notice }: { callbackUrl: string; notice?: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery({
    ...trpc.brokerAccounts.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((a) => a.status === 'checking') ? 2000 : false),
  });
  const [messages, setMessages] = useState<Record<string, string>>({});
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.brokerAccounts.pathKey() });
  const test = useMutation(
    trpc.brokerAccounts.test.mutationOptions({
      onSuccess: (r) => {
        setMessages((m) => ({ ...m, [r.account.id]: r.message }));
        return refresh();
      },
    }),
  );
  const login = useMutation(
    trpc.brokerAccounts.kiteLoginUrl.mutationOptions({
      onSuccess: (r) => window.location.assign(r.url),
    }),
  );
  const disconnect = useMutation(
    trpc.brokerAccounts.disconnect.mutationOptions({ onSuccess: refresh }),
  );
  const failure = test.error ?? login.error ?? disconnect.error;

  return (
    <div className="space-y-4">
      {notice && (
        <p
          role="status"
          className="rounded border border-zinc-700 bg-zinc-900 px-3 py-2 text-xs text-zinc-200"
        >
          {notice}
        </p>
      )}
      {failure && <ErrorNotice>{errorMessage(failure)}</ErrorNotice>}
      {list.isPending ? (
        <LoadingRows />
      ) : list.isError ? (
        <ErrorNotice>{errorMessage(list.error)}</ErrorNotice>
      ) : list.data.length === 0 ? (
        <EmptyState title="No broker connected">
          Connect a broker account to run deployments live. Paper deployments never use it: they
          trade on live prices against the paper fill model.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded border border-zinc-800">
          <table className="w-full text-left text-xs" data-testid="broker-accounts">
            <thead className="bg-zinc-900 text-[11px] uppercase tracking-wide text-zinc-500">
              <tr>
                <th className="px-3 py-2 font-medium">Account</th>
                <th className="px-3 py-2 font-medium">Broker</th>
                <th className="px-3 py-2 font-medium">Key</th>
                <th className="px-3 py-2 font-medium">Status</th>
                <th className="px-3 py-2 font-medium">Session</th>
                <th className="px-3 py-2" />
              </tr>
            </thead>
            <tbody>
              {list.data.map((a) => (
                <tr
                  key={a.id}
                  className="border-t border-zinc-800 align-top"
                  data-testid="broker-account-row"
                >
                  <td className="px-3 py-2 text-zinc-100">{a.label}</td>
                  <td className="px-3 py-2 text-zinc-300">{NAMES[a.broker]}</td>
                  <td className="px-3 py-2 font-mono text-zinc-400">
                    {a.profile.apiKey ?? a.profile.keyId ?? a.profile.clientId}
                    {a.profile.userId ? ` · ${a.profile.userId}` : ''}
                  </td>
                  <td className="px-3 py-2">
                    <span className={STATUS[a.status].style}>{STATUS[a.status].text}</span>
                    {(messages[a.id] ?? a.lastError) && (
                      <div className="mt-0.5 max-w-xs text-[11px] text-zinc-400">
                        {messages[a.id] ?? a.lastError}
                      </div>
                    )}
                  </td>
                  <td className="px-3 py-2 text-zinc-400">
                    {a.sessionExpiresAt
                      ? `ends ${istTime.format(a.sessionExpiresAt)} IST`
                      : a.broker === 'kite'
                        ? 'none'
                        : '—'}
                  </td>
                  <td className="space-x-1 whitespace-nowrap px-3 py-2 text-right">
                    {a.broker === 'kite' && (
                      <button
                        type="button"
                        className={button}
                        disabled={login.isPending}
                        onClick={() => login.mutate({ id: a.id })}
                      >
                        Log in to Kite
                      </button>
                    )}
                    <button
                      type="button"
                      className={button}
                      disabled={test.isPending}
                      onClick={() => test.mutate({ id: a.id })}
                    >
                      Test
                    </button>
                    <button
                      type="button"
                      className={button}
                      disabled={disconnect.isPending}
                      onClick={() => {
                        if (window.confirm(`Disconnect ${a.label}? Its stored keys are deleted.`))
                          disconnect.mutate({ id: a.id });
                      }}
                    >
                      Disconnect
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConnectForm callbackUrl={callbackUrl} />
    </div>
  );
}
