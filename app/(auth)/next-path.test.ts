import { describe, expect, it } from 'vitest';
import { nextPath } from './next-path';

describe('where sign-in leads', () => {
  it('returns to the page the user asked for', () => {
    expect(nextPath('/backtests')).toBe('/backtests');
    expect(nextPath(['/strategies/abc?tab=legs'])).toBe('/strategies/abc?tab=legs');
  });

  it('never leaves the site, whatever the link says', () => {
    for (const hostile of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      'evil',
      '',
    ]) {
      expect(nextPath(hostile)).toBe('/strategies');
    }
    expect(nextPath(undefined)).toBe('/strategies');
  });
});
