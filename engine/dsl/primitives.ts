/** Field schemas shared by several DSL blocks (times, ids, weekdays, amounts). */
import { z } from 'zod';

export const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Exchange-local wall-clock time "HH:MM" (24 h). */
export const Time = z
  .string()
  .regex(TIME_RE, { message: 'expected a time "HH:MM" (24-hour, e.g. "09:20")' })
  .meta({ description: 'Exchange-local time of day, "HH:MM" 24-hour' });
export type Time = z.infer<typeof Time>;

export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Ids link blocks (lazy legs name their target leg), so they are short and plain. */
export const Id = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, {
  message: 'expected an id: a letter then up to 39 letters, digits, "_" or "-"',
});

export const Name = z.string().trim().min(1, { message: 'must not be empty' }).max(120);

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

export const PositiveNumber = z.number().positive().finite();
export const NonNegativeNumber = z.number().nonnegative().finite();
export const Percent = z.number().gt(0).lte(100);

/** `typeVersion` of a block: this build reads exactly the current version; `migrate` lifts older ones. */
export function typeVersion<V extends number>(v: V) {
  return z.literal(v, {
    message: `typeVersion must be ${v} (run migrate() on documents from older versions)`,
  });
}
