// A failed backtest's message as its user reads it: storable, one line, no server paths, no
// pieces of the file it could not read.
import { describe, expect, it } from 'vitest';
import { MAX_FAILURE_CHARS, sanitizeMessage } from './failure';

describe('backtest failure messages', () => {
  const folders = [
    { label: 'the datasets folder', dir: '/srv/shared/data' },
    { label: 'the data folder', dir: '/srv/app/.data' },
  ];

  it('holds no NUL or control characters and stays one line', () => {
    const s = sanitizeMessage('underlying "NIF\u0000TY" is\nnot\tknown\u001b[31m', folders);
    expect(s).toBe('underlying "NIFTY" is not known [31m');
  });

  it('names folders by what they are and other files by their name only', () => {
    expect(
      sanitizeMessage(
        "/srv/shared/data/x/broken.csv.gz: incorrect header check; ENOENT: no such file or directory, open '/etc/strikeflow/secret.json'",
        folders,
      ),
    ).toBe(
      "x/broken.csv.gz: incorrect header check; ENOENT: no such file or directory, open 'secret.json'",
    );
    expect(sanitizeMessage('cannot use /srv/app/.data', folders)).toBe(
      'cannot use the data folder',
    );
    // Dates and ratios are not paths.
    expect(sanitizeMessage('expiry 2026/08/27 at 1/2 lot')).toBe('expiry 2026/08/27 at 1/2 lot');
  });

  it('drops the file contents V8 quotes in a JSON error, and caps the length', () => {
    expect(
      sanitizeMessage(`Unexpected token 'p', "password=hunter2,api_key=abc123" is not valid JSON`),
    ).toBe("Unexpected token 'p' (not valid JSON)");
    const long = sanitizeMessage('x'.repeat(10_000));
    expect(long).toHaveLength(MAX_FAILURE_CHARS);
    expect(sanitizeMessage('\u0000')).toMatch(/see the server log/);
  });
});
