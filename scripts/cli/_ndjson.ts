/** The stdin NDJSON loop the per-line commands share: one result line per input line, bad lines reported, not fatal. */
import { streamLines } from '@/datasets/lines';
import { LineWriter } from './_io';

/** NDJSON in, one result line per input line (an {"error"} line for a bad one); exit 1 if any was bad. */
export async function eachStdinLine(
  handle: (o: Record<string, unknown>) => object,
): Promise<number> {
  const out = new LineWriter();
  let failed = 0;
  let lineNo = 0;
  for await (const chunk of streamLines(process.stdin)) {
    for (const text of chunk) {
      lineNo++;
      if (text.trim() === '') continue;
      let res: object;
      try {
        let o: unknown;
        try {
          o = JSON.parse(text);
        } catch {
          throw new Error('not valid JSON');
        }
        if (typeof o !== 'object' || o === null || Array.isArray(o))
          throw new Error('not a JSON object');
        res = handle(o as Record<string, unknown>);
      } catch (err) {
        failed++;
        res = { error: `line ${lineNo}: ${(err as Error).message}` };
      }
      await out.line(JSON.stringify(res));
    }
  }
  await out.flush();
  return failed ? 1 : 0;
}
