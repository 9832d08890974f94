// X-Forwarded-For is what the client says: believed only from a proxy we were told about.
import { describe, expect, it } from 'vitest';
import { applyForwardedView, forwardedView, trustedProxies } from './forwarded';

describe('forwarded headers', () => {
  const none = trustedProxies([]);
  const proxy = trustedProxies(['10.0.0.0/8', '::1']);

  it('ignores a client-sent X-Forwarded-For and X-Forwarded-Proto without a trusted proxy', () => {
    expect(
      forwardedView(
        '::ffff:198.51.100.9',
        { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', host: 'app.example' },
        none,
      ),
    ).toEqual({ client: '198.51.100.9', protocol: 'http', host: 'app.example' });
  });

  it('reads the client from the right of the chain, skipping our own proxies', () => {
    const headers = {
      'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.1.2.3',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'trade.example',
    };
    expect(forwardedView('10.0.0.1', headers, proxy)).toEqual({
      client: '203.0.113.5',
      protocol: 'https',
      host: 'trade.example',
    });
    // The same headers from a stranger are the stranger's word only.
    expect(forwardedView('203.0.113.99', headers, proxy).client).toBe('203.0.113.99');
  });

  it('rewrites the request so everything downstream reads one value', () => {
    const headers: Record<string, string | string[] | undefined> = {
      'x-forwarded-for': '1.2.3.4',
      'x-real-ip': '1.2.3.4',
      forwarded: 'for=1.2.3.4',
      host: 'localhost:3000',
    };
    applyForwardedView(headers, forwardedView('127.0.0.1', headers, none));
    expect(headers).toEqual({
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-forwarded-host': 'localhost:3000',
      host: 'localhost:3000',
    });
  });
});
