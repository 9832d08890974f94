/**
 * Feeds of the live flow, described as data (stored on the deployment): the real-time market on
 * the exchange calendar, a simulated session with its own clock (when the market is closed), or
 * recorded ticks pushed by `cli paper`, or a connected broker's own market data (what a live
 * deployment trades on). Pure: ids, cadence and the exchange-hours arithmetic; the
 * workers turn a feed into snapshots (workers/deployments/feeds.ts).
 */
import { z } from 'zod';
import { isTradingDay, localDate, nextTradingDay, sessionBounds } from '../market/calendar.ts';
import { getInstrument } from '../market/instruments.ts';

export const FeedSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('market'),
    underlyings: z.array(z.string()).min(1).max(10),
    seed: z.int(),
    intervalSeconds: z.int().min(1).max(3600),
  }),
  z.strictObject({
    kind: z.literal('session'),
    underlyings: z.array(z.string()).min(1).max(10),
    seed: z.int(),
    intervalSeconds: z.int().min(1).max(3600),
    /** The simulated trading date and the real instant its session opened. */
    date: z.string(),
    startedAtMs: z.number(),
    /** Simulated seconds per real second. */
    speed: z.number().min(1).max(600),
  }),
  z.strictObject({ kind: z.literal('recorded'), underlyings: z.array(z.string()), source: z.string() }), // prettier-ignore
  z.strictObject({
    kind: z.literal('broker'),
    /** The broker account whose market-data stream the ticks come from. */
    accountId: z.string().min(1),
    broker: z.enum(['kite', 'alpaca', 'deribit']),
    /** The account as the trader named it when the deployment started (shown, not read). */
    label: z.string().max(200),
    underlyings: z.array(z.string()).min(1).max(10),
  }),
]);
export type FeedSpec = z.infer<typeof FeedSpecSchema>;

/** One feed id per market (shared by every deployment on it); a session feed is its deployment's own. */
export function feedIdOf(spec: FeedSpec, deploymentId: string): string {
  switch (spec.kind) {
    case 'market':
      return `market:${[...spec.underlyings].sort().join('+')}:${spec.seed}:${spec.intervalSeconds}`;
    case 'session':
      return `session:${deploymentId}`;
    case 'recorded':
      return `recorded:${deploymentId}`;
    case 'broker':
      // One feed per account: every deployment on it shares its streams (one per underlying).
      return `broker:${spec.accountId}`;
  }
}

/** Which broker streams which markets: Kite the NSE and BSE, Alpaca US options, Deribit crypto. */
export const BROKER_EXCHANGES: Record<'kite' | 'alpaca' | 'deribit', readonly string[]> = {
  kite: ['NSE', 'BSE'],
  alpaca: ['CBOE'],
  deribit: ['DERIBIT'],
};

/** Underlyings of `underlyings` that `broker` has no market data for. */
export function unstreamed(broker: 'kite' | 'alpaca' | 'deribit', underlyings: string[]): string[] {
  return underlyings.filter((u) => !BROKER_EXCHANGES[broker].includes(getInstrument(u).exchange));
}

/** How often a broker feed's streams are checked (and started on a worker that holds none). */
export const BROKER_FEED_CHECK_MS = 2_000;

/** How often the feed's scheduler should ask for a tick (ms of real time); null: pushed by its source. */
export function tickEveryMs(spec: FeedSpec): number | null {
  if (spec.kind === 'market') return Math.min(spec.intervalSeconds * 1000, 60_000) / 4;
  if (spec.kind === 'session') return Math.max(250, (spec.intervalSeconds * 1000) / spec.speed / 2);
  // A broker feed streams by itself; its job keeps the streams open and notices when one is down.
  if (spec.kind === 'broker') return BROKER_FEED_CHECK_MS;
  return null;
}

/** Is the market of this underlying open at `ms`? (The real-time simulator is silent otherwise.) */
export function marketOpen(underlying: string, ms: number): boolean {
  const i = getInstrument(underlying);
  const day = localDate(ms, i.timezone);
  if (!isTradingDay(i, day)) return false;
  const { open, close } = sessionBounds(i, day);
  return ms >= open && ms <= close;
}

/** The trading date a simulated session started now should show: today when it trades, else the next. */
export function sessionDateFor(underlying: string, ms: number): string {
  const i = getInstrument(underlying);
  const day = localDate(ms, i.timezone);
  return isTradingDay(i, day) ? day : nextTradingDay(i, day);
}
