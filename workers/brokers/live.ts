/**
 * The live entry point: the broker of a live deployment, built from its broker account. Only a
 * `LiveDeployment` (made from a row created live) gets here; the account must belong to the
 * deployment's owner and be connected (for Kite: today's session, before 06:00 IST).
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { openCredentials } from '@/db/broker-credentials';
import { env } from '@/db/env';
import { brokerAccounts } from '@/db/schema';
import { AlpacaVenue } from './alpaca/venue';
import { DeribitVenue } from './deribit/venue';
import type { LiveDeployment } from './deployment-kind';
import { VenueAuthError } from './errors';
import { KiteVenue } from './kite/venue';
import { LiveBroker, type LiveBrokerOptions } from './live-broker';
import type { VenueChange } from './venue';
import { BROKER_CHANGES_CHANNEL, BrokerChangeSchema, createConnection } from '../queues';

/** Order-change hints the web app relays for one account (Kite postbacks), as a venue change source. */
function relayedChanges(accountId: string) {
  return (onChange: (c: VenueChange) => void) => {
    const sub = createConnection('worker');
    void sub.subscribe(BROKER_CHANGES_CHANNEL).catch(() => {});
    sub.on('message', (_channel: string, text: string) => {
      let m;
      try {
        m = BrokerChangeSchema.safeParse(JSON.parse(text));
      } catch {
        return;
      }
      if (m.success && m.data.accountId === accountId)
        onChange({ venueOrderId: m.data.venueOrderId });
    });
    return () => sub.disconnect();
  };
}

/** Kite's published limit is 10 orders a second and 400 a minute; stay under both. */
const KITE_ORDER_RATE = [
  { max: 8, perMs: 1_000 },
  { max: 350, perMs: 60_000 },
];
/** Deribit's matching engine allows about 5 requests a second (burst 20). */
const DERIBIT_ORDER_RATE = [{ max: 4, perMs: 1_000 }];
/** Alpaca allows 200 requests a minute per account. */
const ALPACA_ORDER_RATE = [
  { max: 5, perMs: 1_000 },
  { max: 150, perMs: 60_000 },
];

export async function liveBrokerFor(
  db: Db,
  deployment: LiveDeployment,
  options: Partial<LiveBrokerOptions> = {},
): Promise<LiveBroker> {
  const [row] = await db
    .select()
    .from(brokerAccounts)
    .where(
      and(
        eq(brokerAccounts.id, deployment.brokerAccountId),
        eq(brokerAccounts.ownerId, deployment.ownerId),
      ),
    );
  if (!row)
    throw new Error(
      `live deployment ${deployment.deploymentId}: broker account ${deployment.brokerAccountId} does not exist or is not the owner's`,
    );
  const e = env();
  switch (row.broker) {
    case 'kite': {
      const c = openCredentials({ ...row, broker: 'kite' as const });
      if (!c.accessToken || (row.sessionExpiresAt && row.sessionExpiresAt.getTime() <= Date.now()))
        throw new VenueAuthError(
          `kite account "${row.label}": no session for today (Kite sessions end at 06:00 IST); log in to Kite under Settings, Brokers`,
        );
      return new LiveBroker(
        new KiteVenue({
          apiUrl: e.KITE_API_URL,
          wsUrl: e.KITE_WS_URL,
          apiKey: c.apiKey,
          accessToken: c.accessToken,
          changes: relayedChanges(row.id),
        }),
        { orderRate: KITE_ORDER_RATE, ...options },
      );
    }
    case 'alpaca': {
      const c = openCredentials({ ...row, broker: 'alpaca' as const });
      return new LiveBroker(
        new AlpacaVenue({
          apiUrl: e.ALPACA_API_URL,
          streamUrl: e.ALPACA_STREAM_URL,
          credentials: c,
        }),
        { orderRate: ALPACA_ORDER_RATE, ...options },
      );
    }
    case 'deribit': {
      const c = openCredentials({ ...row, broker: 'deribit' as const });
      return new LiveBroker(new DeribitVenue({ wsUrl: e.DERIBIT_WS_URL, credentials: c }), {
        orderRate: DERIBIT_ORDER_RATE,
        ...options,
      });
    }
  }
}
