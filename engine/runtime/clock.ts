/** Exchange-local time of an input: the day, minute of day and weekday that schedules compare. */
import { zoneOffsetMinutes } from '../market/calendar.ts';
import type { Instrument } from '../market/instruments.ts';

export type LocalTime = {
  ms: number;
  day: string;
  minute: number;
  weekday: 'MON' | 'TUE' | 'WED' | 'THU' | 'FRI' | 'SAT' | 'SUN';
  hhmm: string;
};

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

// Parsing the same few timestamps (this input, the last snapshot) again and again is most of a step.
const instants = new Map<string, number>();

export function instantOf(ts: string): number {
  const known = instants.get(ts);
  if (known !== undefined) return known;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms))
    throw new Error(
      `timestamp "${ts}" is not valid: inputs carry ISO-8601 with an offset, e.g. 2026-11-20T09:15:00+05:30`,
    );
  if (instants.size >= 64) instants.clear();
  instants.set(ts, ms);
  return ms;
}

// Every strategy of a step, and the fill steps after it, ask for the same few instants.
const locals = new Map<string, LocalTime>();

export function localTime(ts: string, instrument: Instrument): LocalTime {
  const key = `${ts}|${instrument.timezone}`;
  const known = locals.get(key);
  if (known) return known;
  const value = computeLocalTime(ts, instrument);
  if (locals.size >= 64) locals.clear();
  locals.set(key, value);
  return value;
}

function computeLocalTime(ts: string, instrument: Instrument): LocalTime {
  const ms = instantOf(ts);
  const local = new Date(ms + zoneOffsetMinutes(instrument.timezone, ms) * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  return {
    ms,
    day: local.toISOString().slice(0, 10),
    minute,
    weekday: WEEKDAYS[local.getUTCDay()],
    hhmm: local.toISOString().slice(11, 16),
  };
}

export const hhmmOf = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/** Calendar days from one YYYY-MM-DD to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
