/**
 * Text from files and error messages made safe to store and show: Postgres refuses NUL in text
 * and jsonb, and control characters from a binary file garble a page or a log line.
 */

// C0 and C1 control characters, DEL, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** True when the text holds a NUL character, which no stored text may hold. */
export function hasNul(s: string): boolean {
  return s.includes('\u0000');
}

/** One line: NUL removed, other control characters as a space, at most `max` characters. */
export function printableText(raw: string, max = 500): string {
  const s = String(raw).replaceAll('\u0000', '').replace(CONTROL, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
