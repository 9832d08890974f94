/**
 * The market-data stream of one broker account: its chain feed built from the account's sealed
 * credentials and the venue URLs of the environment. Market data only: nothing here can place or
 * cancel an order (separation.test.ts walks the imports to keep it so).
 */
import { openCredentials } from '@/db/broker-credentials';
import { env } from '@/db/env';
import type { BrokerAccount } from '@/db/schema';
import { AlpacaChainFeed } from './alpaca-feed';
import { DeribitChainFeed } from './deribit-feed';
import type { ChainFeed } from './feed';
import { KiteChainFeed } from './kite-feed';

const BROKER_NAMES = { kite: 'Kite', alpaca: 'Alpaca', deribit: 'Deribit' } as const;

/** "Kite (AB1234)": the broker and the account as the trader knows it. */
export function brokerFeedName(a: Pick<BrokerAccount, 'broker' | 'label' | 'profile'>): string {
  return `${BROKER_NAMES[a.broker]} (${a.profile?.userId ?? a.label})`;
}

/**
 * Why the account cannot stream now, as the trader should read it (the account and the fix), or
 * null when it can.
 */
export function whyNoStream(
  a: Pick<BrokerAccount, 'broker' | 'label' | 'status' | 'sessionExpiresAt'>,
  nowMs: number,
): string | null {
  const name = `${BROKER_NAMES[a.broker]} account "${a.label}"`;
  if (a.status !== 'connected')
    return `${name} is ${a.status.replace('_', ' ')}: test or reconnect it under Brokers.`;
  if (a.sessionExpiresAt && a.sessionExpiresAt.getTime() <= nowMs)
    return `The session of ${name} has ended (Kite sessions end at 06:00 IST): log in to it again under Brokers.`; // prettier-ignore
  return null;
}

export type ChainFeedTuning = { intervalMs?: number; today?: string };

export function chainFeedFor(account: BrokerAccount, tuning: ChainFeedTuning = {}): ChainFeed {
  const e = env();
  switch (account.broker) {
    case 'kite': {
      const c = openCredentials({ ...account, broker: 'kite' as const });
      if (!c.accessToken)
        throw new Error(`Kite account "${account.label}" has no session: log in to it under Brokers.`); // prettier-ignore
      return new KiteChainFeed({ apiUrl: e.KITE_API_URL, wsUrl: e.KITE_WS_URL, apiKey: c.apiKey, accessToken: c.accessToken, ...tuning }); // prettier-ignore
    }
    case 'alpaca': {
      const c = openCredentials({ ...account, broker: 'alpaca' as const });
      return new AlpacaChainFeed({ dataUrl: e.ALPACA_DATA_URL, dataStreamUrl: e.ALPACA_DATA_STREAM_URL, credentials: c, ...(tuning.intervalMs ? { intervalMs: tuning.intervalMs } : {}) }); // prettier-ignore
    }
    case 'deribit':
      // Deribit's tickers are public: the feed needs no credentials.
      return new DeribitChainFeed({ wsUrl: e.DERIBIT_WS_URL, ...(tuning.intervalMs ? { intervalMs: tuning.intervalMs } : {}) }); // prettier-ignore
  }
}
