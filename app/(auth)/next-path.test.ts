import { describe, expect, it } from 'vitest';
import { nextPath } from './next-path';

describe('where sign-in leads', () => {
  it('returns to the page the user asked for', () => {
    expect(nextPath('/backtests')).toBe('/backtests');
    expect(nextPath(['/strategies/abc?tab=legs'])).toBe('/strategies/abc?tab=legs');
    expect(nextPath('/backtests/a%20b#orders')).toBe('/backtests/a%20b#orders');
  });

  it('never leaves the site, whatever the link says', () => {
    for (const hostile of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      // Browsers drop tab and newline characters inside a URL: these become //evil.example.
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r\n/evil.example',
      '/%09/evil.example'.replace('%09', '\t'),
      '/./\t/evil.example',
      'evil',
      '',
    ]) {
      const to = nextPath(hostile);
      expect(to, JSON.stringify(hostile)).toBe('/strategies');
      expect(new URL(to, 'http://localhost:3000').origin).toBe('http://localhost:3000');
    }
    expect(nextPath(undefined)).toBe('/strategies');
  });

  it('keeps an encoded tab as text in the path instead of following it off-site', () => {
    const to = nextPath('/%09/evil.example');
    expect(new URL(to, 'http://localhost:3000').origin).toBe('http://localhost:3000');
    expect(to).not.toMatch(/^\/\//);
  });
});
