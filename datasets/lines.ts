/** Lines of a (possibly gzipped) text file, handed over a chunk (array of lines) at a time: constant memory. */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export async function* fileLines(path: string): AsyncGenerator<string[]> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = path.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (e) => stream.destroy(e));
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const out: string[] = [];
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl >= 0) {
      out.push(text.charCodeAt(nl - 1) === 13 ? text.slice(start, nl - 1) : text.slice(start, nl));
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    rest = text.slice(start);
    if (out.length) yield out;
  }
  rest += decoder.decode();
  if (rest !== '') yield [rest.endsWith('\r') ? rest.slice(0, -1) : rest];
}

/** Lines of a stream such as stdin. */
export async function* streamLines(
  stream: AsyncIterable<Buffer | string>,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of stream) {
    const text =
      rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const parts = text.split('\n');
    rest = parts.pop()!;
    if (parts.length) yield parts.map((p) => (p.endsWith('\r') ? p.slice(0, -1) : p));
  }
  rest += decoder.decode();
  if (rest !== '') yield [rest];
}
