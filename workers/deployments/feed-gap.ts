/**
 * What a deployment missed: when the tick it evaluates is not the one after the last it saw (the
 * evaluator took the newest of several, or the feed, Redis or the workers were down for a while),
 * the trader is told how many ticks went by unseen and between which times. Nothing is decided on
 * the missed ticks (stops, targets and entries were not checked on them), so this is written as an
 * event of the live flow, not of the kernel: replay and the backtest report leave it out.
 */
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { sessionDayOf } from '@/engine/session/driver';

export const FEED_GAP = 'FEED_GAP';
export const FEED_DOWN = 'FEED_DOWN';

/** A broker feed's word that a deployment's ticks stopped (workers/deployments/broker-feeds.ts). */
export type FeedDownEvent = {
  ts: string;
  type: typeof FEED_DOWN;
  message: string;
  data: { underlying: string; accountId: string; since: string };
};

/** A broker stream sends whenever the market moves: silence this long (s) is a gap. */
export const BROKER_GAP_SECONDS = 10;

export type FeedGapEvent = {
  ts: string;
  type: typeof FEED_GAP;
  message: string;
  data: { underlying: string; from: string; to: string; missed: number; seconds: number };
};

const clock = (ts: string) => ts.slice(11, 19);

/**
 * The gap between the last tick a deployment saw and `tick`, or null when none was missed.
 * `skipped` counts the feed's recorded ticks in between; a feed with a cadence (the simulated
 * market and sessions) also counts the ticks nobody recorded, within one session.
 */
export function feedGap(
  feed: Record<string, unknown>,
  lastTs: string,
  tick: ChainSnapshot,
  skipped: number,
): FeedGapEvent | null {
  const seconds = Math.round((Date.parse(tick.ts) - Date.parse(lastTs)) / 1000);
  const interval = typeof feed.intervalSeconds === 'number' ? feed.intervalSeconds : null;
  const sameSession = sessionDayOf({ ...tick, ts: lastTs }) === sessionDayOf(tick);
  if (feed.kind === 'broker') {
    // A stream has no cadence to count missed ticks by: the silence itself is the gap.
    if (!sameSession || seconds <= BROKER_GAP_SECONDS) return null;
    return {
      ts: tick.ts,
      type: FEED_GAP,
      message: `No ${tick.underlying} ticks from the broker between ${clock(lastTs)} and ${clock(tick.ts)} (${seconds} s): evaluation resumed on the newest tick, and stops, targets and entries were not checked in between.`, // prettier-ignore
      data: { underlying: tick.underlying, from: lastTs, to: tick.ts, missed: skipped, seconds },
    };
  }
  const unrecorded = interval && sameSession ? Math.round(seconds / interval) - 1 : 0;
  const missed = Math.max(skipped, unrecorded);
  if (missed <= 0) return null;
  return {
    ts: tick.ts,
    type: FEED_GAP,
    message: `Missed ${missed} tick${missed === 1 ? '' : 's'} of ${tick.underlying} between ${clock(lastTs)} and ${clock(tick.ts)} (${seconds} s): evaluation resumed on the newest tick, and stops, targets and entries were not checked on the ticks in between.`, // prettier-ignore
    data: { underlying: tick.underlying, from: lastTs, to: tick.ts, missed, seconds },
  };
}
