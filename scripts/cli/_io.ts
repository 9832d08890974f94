/** Output helpers shared by the market-data commands: buffered NDJSON on stdout with backpressure. */
import { once } from 'node:events';

export class LineWriter {
  private buf: string[] = [];
  private size = 0;
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {
    // A reader that stops early (`| head`) is not an error of ours.
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
  }

  async line(text: string): Promise<void> {
    this.buf.push(text);
    this.size += text.length + 1;
    if (this.size > 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.buf.length) return;
    const chunk = this.buf.join('\n') + '\n';
    this.buf = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}

/** A required number flag, with an error naming it and what to give. */
export function numberFlag(
  flags: Record<string, string | true>,
  name: string,
  what: string,
  optional = false,
): number | undefined {
  const v = flags[name];
  if (v === undefined) {
    if (optional) return undefined;
    throw new Error(`--${name} is required: give ${what}`);
  }
  const n = typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isFinite(n))
    throw new Error(
      `--${name} ${v === true ? '(no value)' : `"${v}"`} is not a number: give ${what}`,
    );
  return n;
}
