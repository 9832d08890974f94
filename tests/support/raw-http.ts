/**
 * One HTTP request written by hand, for what fetch will not send: a declared Content-Length the
 * body then streams toward (stopping as soon as the server answers), or a chunked body.
 */
import http from 'node:http';

export function rawRequest(
  port: number,
  method: string,
  pathname: string,
  headers: Record<string, string | number>,
  body?: { bytes: number } | string,
): Promise<{ status: number; text: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      { host: '127.0.0.1', port, method, path: pathname, headers },
      (res) => {
        answered = true;
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, sent }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server answered and hung up on the unread body: the upload fails, often before the
      // answer is read, which still arrives.
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') return reject(err);
      answered = true;
      setTimeout(
        () => reject(new Error(`no answer before the connection closed (${err.code})`)),
        2_000,
      ).unref();
    });
    if (typeof body === 'string') return void req.end(body);
    if (!body) return void req.end();
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    const pump = () => {
      while (!answered && sent < body.bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
