/**
 * The latest simulated chain for an underlying: the seeded simulator walked from today's open (or
 * the last session's) to now, so the payoff panel prices against the same market paper trading
 * would see. Deterministic for a seed and a minute; cached for the minute.
 */
import {
  localDate,
  onOrBeforeTradingDay,
  previousTradingDay,
  sessionBounds,
} from '@/engine/market/calendar';
import { findInstrument } from '@/engine/market/instruments';
import { SimulatedMarket } from '@/engine/market/simulator';
import type { ChainSnapshot } from '@/engine/market/snapshot';
import { AppError } from '@/server/errors';

const STEP_MS = 5 * 60_000;
const cache = new Map<string, ChainSnapshot>();

/** The instant the latest snapshot is taken at: now within a session, else the last session's close. */
export function latestSessionInstant(underlying: string, nowMs: number): number {
  const instrument = findInstrument(underlying);
  if (!instrument)
    throw new AppError(
      'INVALID_INPUT',
      `unknown underlying ${underlying}`,
      `Unknown underlying "${underlying}".`,
    );
  const today = localDate(nowMs, instrument.timezone);
  const day = onOrBeforeTradingDay(instrument, today);
  const { open, close } = sessionBounds(instrument, day);
  if (day === today && nowMs >= open) return Math.min(nowMs, close);
  if (day === today) {
    // Before today's open: the previous session's close.
    return sessionBounds(instrument, previousTradingDay(instrument, day)).close;
  }
  return close;
}

export function simulatedChainAt(
  underlying: string,
  seed: number,
  instantMs: number,
): ChainSnapshot {
  const minute = Math.floor(instantMs / 60_000) * 60_000;
  const key = `${underlying}:${seed}:${minute}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const market = new SimulatedMarket({ underlying, seed });
  const instrument = market.instrument;
  const day = localDate(minute, instrument.timezone);
  const { open } = sessionBounds(instrument, day);
  let snap = market.advanceTo(Math.min(open, minute));
  for (let t = open + STEP_MS; t < minute; t += STEP_MS) snap = market.advanceTo(t);
  if (minute > open) snap = market.advanceTo(minute);
  if (cache.size > 200) cache.clear();
  cache.set(key, snap);
  return snap;
}

export function latestSimulatedChain(
  underlying: string,
  seed: number,
  nowMs: number,
): ChainSnapshot {
  return simulatedChainAt(underlying, seed, latestSessionInstant(underlying, nowMs));
}
