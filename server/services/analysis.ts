/**
 * The vol lab and the regime view over stored chains: one pass over a dataset builds, per
 * underlying, the timeline of regime facts and the ATM term structure at every snapshot (kept
 * in memory for the next request); a chosen snapshot is read again on its own and analysed in
 * full. Everything read goes through storedChains, so the source can change underneath.
 */
import { findInstrument } from '@/engine/market/instruments';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { termStructure } from '@/engine/market/volatility';
import {
  MarketTimeline,
  regimeAt,
  type RegimeReading,
  type TimelinePoint,
} from '@/engine/analysis/regime';
import { realisedVol, rollingRealisedVol } from '@/engine/analysis/realised';
import { volLab, type VolLab } from '@/engine/analysis/vol-lab';
import type { DailyClose } from '@/engine/runtime/types';
import { AppError } from '@/server/errors';
import { storedChains } from '@/server/services/chain-history';

/** Snapshots one pass reads at most; beyond it the views say the rest was left out. */
export const MAX_SNAPSHOTS = 5000;
/** Points the regime view sends at most; longer timelines are thinned evenly (closes never are). */
export const MAX_REGIME_POINTS = 3000;
/** Trailing window of the intraday realised volatility line. */
export const REALISED_WINDOW_MINUTES = 30;

/** Reads of stored chains waiting their turn at most; beyond it a request is turned away. */
export const MAX_WAITING_READS = 8;

type TermAt = { expiry: string; atmIv?: number }[];

// Reading a dataset is seconds of CPU on a small machine: one read at a time, a short queue.
let lane: Promise<unknown> = Promise.resolve();
let waiting = 0;
function inLane<T>(work: () => Promise<T>): Promise<T> {
  if (waiting >= MAX_WAITING_READS)
    throw new AppError(
      'UNAVAILABLE',
      `${waiting} dataset reads already queued`,
      'The server is busy reading other datasets. Try again in a few seconds.',
    );
  waiting++;
  const run = lane.then(work, work).finally(() => waiting--);
  lane = run.catch(() => undefined);
  return run;
}

type UnderlyingHistory = { timeline: MarketTimeline; term: TermAt[] };

type DatasetHistory = {
  version: string;
  underlyings: Map<string, UnderlyingHistory>;
  skippedUnderlyings: string[];
  truncated: boolean;
};

const histories = new Map<string, Promise<DatasetHistory>>();
const HISTORY_CACHE = 4;

async function buildHistory(dataset: string, version: string): Promise<DatasetHistory> {
  const src = storedChains(dataset);
  const underlyings = new Map<string, UnderlyingHistory>();
  const skipped = new Set<string>();
  let n = 0;
  let truncated = false;
  for await (const s of src.snapshots()) {
    if (n >= MAX_SNAPSHOTS) {
      truncated = true;
      break;
    }
    n++;
    if (!findInstrument(s.underlying)) {
      skipped.add(s.underlying);
      continue;
    }
    let h = underlyings.get(s.underlying);
    if (!h) {
      h = { timeline: new MarketTimeline(s.underlying), term: [] };
      underlyings.set(s.underlying, h);
    }
    try {
      h.timeline.push(s);
    } catch (err) {
      throw new AppError(
        'UNPROCESSABLE',
        `dataset ${dataset}: ${(err as Error).message}`,
        `Dataset "${dataset}" cannot be analysed: ${(err as Error).message}.`,
      );
    }
    h.term.push(termStructure(s).map((p) => ({ expiry: p.expiry, atmIv: p.atmIv })));
  }
  return { version, underlyings, skippedUnderlyings: [...skipped], truncated };
}

/** The dataset's timelines, read once per version of the data and shared by concurrent requests. */
async function historyOf(dataset: string): Promise<DatasetHistory> {
  const { version } = storedChains(dataset);
  const cached = histories.get(dataset);
  if (cached) {
    const h = await cached.catch(() => null);
    if (h && h.version === version) {
      histories.delete(dataset);
      histories.set(dataset, cached); // most recently used last
      return h;
    }
  }
  const p = inLane(() => buildHistory(dataset, version));
  histories.set(dataset, p);
  p.catch(() => histories.delete(dataset));
  while (histories.size > HISTORY_CACHE) histories.delete(histories.keys().next().value!);
  return p;
}

function underlyingOf(h: DatasetHistory, dataset: string, underlying: string): UnderlyingHistory {
  const u = h.underlyings.get(underlying);
  if (!u)
    throw new AppError(
      'UNPROCESSABLE',
      `dataset ${dataset} has no ${underlying} snapshot`,
      `Dataset "${dataset}" holds no ${underlying} snapshots${
        h.underlyings.size ? `; it has ${[...h.underlyings.keys()].join(', ')}` : ''
      }.`,
    );
  return u;
}

export type DatasetSessions = {
  underlyings: { underlying: string; timestamps: string[] }[];
  skippedUnderlyings: string[];
  truncated: boolean;
};

export async function datasetSessions(dataset: string): Promise<DatasetSessions> {
  const h = await historyOf(dataset);
  if (h.underlyings.size === 0)
    throw new AppError(
      'UNPROCESSABLE',
      `dataset ${dataset} has no snapshot of a known underlying`,
      `Dataset "${dataset}" holds no chain snapshots of an underlying in the catalog${
        h.skippedUnderlyings.length ? ` (it has ${h.skippedUnderlyings.join(', ')})` : ''
      }. Pick another dataset.`,
    );
  return {
    underlyings: [...h.underlyings].map(([underlying, u]) => ({
      underlying,
      timestamps: u.timeline.points.map((p) => p.ts),
    })),
    skippedUnderlyings: h.skippedUnderlyings,
    truncated: h.truncated,
  };
}

const snapshots = new Map<string, ChainSnapshot>();
const SNAPSHOT_CACHE = 12;

/** The `index`-th snapshot (0-based) of an underlying in a dataset. */
async function snapshotAt(
  dataset: string,
  underlying: string,
  index: number,
): Promise<ChainSnapshot> {
  const src = storedChains(dataset);
  const key = `${src.version}|${underlying}|${index}`;
  const hit = snapshots.get(key);
  if (hit) return hit;
  const found = await inLane(async () => {
    let n = -1;
    for await (const s of src.snapshots()) {
      if (s.underlying !== underlying) continue;
      if (++n === index) return s;
    }
    return n + 1;
  });
  if (typeof found !== 'number') {
    snapshots.set(key, found);
    while (snapshots.size > SNAPSHOT_CACHE) snapshots.delete(snapshots.keys().next().value!);
    return found;
  }
  throw new AppError(
    'NOT_FOUND',
    `dataset ${dataset} has ${found} ${underlying} snapshots, not ${index + 1}`,
    `Dataset "${dataset}" has ${found} ${underlying} snapshots; pick one of them.`,
  );
}

export type IntradayPoint = {
  ts: string;
  spot: number;
  /** ATM IV per expiry at that snapshot (decimal). */
  atmIv: Record<string, number | undefined>;
  /** Realised vol over the trailing window (decimal, annualised). */
  realised?: number;
};

export type VolLabView = {
  dataset: string;
  index: number;
  lab: VolLab;
  reading: RegimeReading;
  lookbackDays: number;
  /** Realised vol of the session so far (decimal, annualised). */
  sessionRealised?: number;
  realisedWindowMinutes: number;
  intraday: IntradayPoint[];
  /** Closes of the sessions before the snapshot's day (atmIv and hv in %). */
  closes: DailyClose[];
  truncated: boolean;
};

export async function volLabView(input: {
  dataset: string;
  underlying: string;
  index: number;
  lookbackDays: number;
}): Promise<VolLabView> {
  const h = await historyOf(input.dataset);
  const u = underlyingOf(h, input.dataset, input.underlying);
  const points = u.timeline.points;
  if (input.index >= points.length)
    throw new AppError(
      'NOT_FOUND',
      `index ${input.index} past ${points.length} snapshots`,
      `Dataset "${input.dataset}" has ${points.length} ${input.underlying} snapshots; pick one of them.`,
    );
  const snapshot = await snapshotAt(input.dataset, input.underlying, input.index);
  const at = points[input.index];
  const past = u.timeline.closes.filter((c) => c.day < at.day);
  // The session up to the chosen snapshot: an "as of" view never shows what came later.
  let first = input.index;
  while (first > 0 && points[first - 1].day === at.day) first--;
  const session = points.slice(first, input.index + 1);
  const instrument = findInstrument(input.underlying)!;
  const rolling = rollingRealisedVol(session, instrument, REALISED_WINDOW_MINUTES);
  return {
    dataset: input.dataset,
    index: input.index,
    lab: volLab(snapshot),
    reading: regimeAt(snapshot, past, { lookbackDays: input.lookbackDays, instrument }),
    lookbackDays: input.lookbackDays,
    sessionRealised: realisedVol(session, instrument),
    realisedWindowMinutes: REALISED_WINDOW_MINUTES,
    intraday: session.map((p, i) => ({
      ts: p.ts,
      spot: p.spot,
      atmIv: Object.fromEntries(u.term[first + i].map((t) => [t.expiry, t.atmIv])),
      realised: rolling[i],
    })),
    closes: past,
    truncated: h.truncated,
  };
}

export type RegimeView = {
  dataset: string;
  underlying: string;
  points: TimelinePoint[];
  /** True when the timeline was thinned to MAX_REGIME_POINTS. */
  thinned: boolean;
  closes: DailyClose[];
  truncated: boolean;
};

export async function regimeView(dataset: string, underlying: string): Promise<RegimeView> {
  const h = await historyOf(dataset);
  const u = underlyingOf(h, dataset, underlying);
  const all = u.timeline.points;
  const step = Math.ceil(all.length / MAX_REGIME_POINTS);
  // Thinning keeps each session's last point, where the regime changes with the new close.
  const points =
    step <= 1
      ? all
      : all.filter((p, i) => i % step === 0 || i === all.length - 1 || all[i + 1].day !== p.day);
  return {
    dataset,
    underlying,
    points,
    thinned: points.length < all.length,
    closes: u.timeline.closes,
    truncated: h.truncated,
  };
}
