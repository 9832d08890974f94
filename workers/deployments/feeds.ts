/**
 * Where a deployment's ticks come from. Every feed turns "now" into the chain snapshot of now:
 * - `market`: the simulated market running in real time on the exchange calendar (the embedded
 *   default, so paper trading works with no broker); it is silent outside market hours.
 * - `session`: a simulated session with its own clock, for trying a deployment when the market is
 *   closed: it opens when the deployment starts and runs `speed` times faster than real time,
 *   labelled simulated everywhere it is shown.
 * - `recorded`: ticks pushed by `cli paper` from a file (no clock of its own).
 * - `broker`: a connected broker account's market-data stream (workers/deployments/broker-feeds.ts),
 *   what a live deployment trades on; its ticks are pushed as they come, not computed here.
 * Simulated chains are deterministic by seed, so two workers computing the same tick agree and
 * the feed store keeps whichever came first.
 */
import { localDate, sessionBounds } from '@/engine/market/calendar';
import { getInstrument } from '@/engine/market/instruments';
import { simulateSession } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { marketOpen, type FeedSpec } from '@/engine/session/feeds';

export { FeedSpecSchema, feedIdOf, tickEveryMs, type FeedSpec } from '@/engine/session/feeds';

type Generated = { key: string; iter: Iterator<ChainSnapshot>; latest: ChainSnapshot | null; next: ChainSnapshot | null; done: boolean }; // prettier-ignore
const sessions = new Map<string, Generated>();

/** The newest simulated snapshot of a session at or before `instantMs` (generated lazily, cached). */
function sessionSnapshotAt(
  underlying: string,
  seed: number,
  date: string,
  intervalSeconds: number,
  instantMs: number,
): { snapshot: ChainSnapshot | null; ended: boolean } {
  const key = `${underlying}|${seed}|${date}|${intervalSeconds}`;
  let g = sessions.get(key);
  if (!g) {
    const iter = simulateSession({ underlying, seed, date, intervalSeconds, strikesEachSide: 20 });
    g = { key, iter, latest: null, next: null, done: false };
    if (sessions.size > 64) sessions.delete(sessions.keys().next().value as string);
    sessions.set(key, g);
  }
  for (;;) {
    if (!g.next && !g.done) {
      const r = g.iter.next();
      if (r.done) g.done = true;
      else g.next = r.value;
    }
    if (g.next && Date.parse(g.next.ts) <= instantMs) {
      g.latest = g.next;
      g.next = null;
      continue;
    }
    return { snapshot: g.latest, ended: g.done && !g.next };
  }
}

export type FeedTick =
  /** `ended`: these are the feed's last (a simulated session reached its close). */
  | { kind: 'ticks'; snapshots: ChainSnapshot[]; ended?: boolean }
  /** Nothing new yet (market closed, or between snapshots). */
  | { kind: 'idle'; why: string }
  /** The feed has no more data (a simulated session closed). */
  | { kind: 'ended' };

/** The chains of the feed's underlyings at `nowMs` (one per underlying that has one). */
export function feedTickAt(spec: FeedSpec, nowMs: number): FeedTick {
  switch (spec.kind) {
    case 'market': {
      const open = spec.underlyings.filter((u) => marketOpen(u, nowMs));
      if (open.length === 0)
        return { kind: 'idle', why: `the ${spec.underlyings.join(', ')} market is closed` };
      const snapshots: ChainSnapshot[] = [];
      for (const u of open) {
        const date = localDate(nowMs, getInstrument(u).timezone);
        const seed = spec.seed * 100_003 + (Number(date.replaceAll('-', '')) % 100_003);
        const r = sessionSnapshotAt(u, seed, date, spec.intervalSeconds, nowMs);
        if (r.snapshot) snapshots.push(r.snapshot);
      }
      return snapshots.length
        ? { kind: 'ticks', snapshots }
        : { kind: 'idle', why: 'before the first snapshot' };
    }
    case 'session': {
      const snapshots: ChainSnapshot[] = [];
      let ended = true;
      for (const u of spec.underlyings) {
        const { open } = sessionBounds(getInstrument(u), spec.date);
        const simulated = open + (nowMs - spec.startedAtMs) * spec.speed;
        const r = sessionSnapshotAt(u, spec.seed, spec.date, spec.intervalSeconds, simulated);
        if (!r.ended) ended = false;
        if (r.snapshot) snapshots.push(r.snapshot);
      }
      if (snapshots.length) return { kind: 'ticks', snapshots, ended };
      return ended ? { kind: 'ended' } : { kind: 'idle', why: 'before the first snapshot' };
    }
    case 'recorded':
      return { kind: 'idle', why: 'a recorded feed is pushed by its source' };
    case 'broker':
      return { kind: 'idle', why: 'a broker feed is pushed by its stream' };
  }
}
