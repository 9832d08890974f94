/**
 * Who is on the other end of a request. X-Forwarded-For and X-Forwarded-Proto are written by
 * whoever sends the request, so they are believed only from a reverse proxy named in
 * TRUSTED_PROXIES; otherwise the socket's address is the client. The launcher rewrites the
 * headers with this answer before Next sees them, so everything downstream (sign-in throttling,
 * better-auth's rate limit, Secure cookies) reads one trustworthy value.
 */
import { BlockList, isIP } from 'node:net';

export type ForwardedView = {
  /** The client's address. */
  client: string;
  /** The scheme the client used: https only when a trusted proxy says so. */
  protocol: 'http' | 'https';
  /** The host the client asked for, from a trusted proxy; else the Host header. */
  host: string | undefined;
};

/** Headers a client could use to pose as someone else; dropped unless a trusted proxy set them. */
export const FORWARDED_HEADERS = [
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-real-ip',
];

function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function trustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, prefix] = entry.split('/');
    const type = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(prefix), type);
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const a = unmapped(address);
  const family = isIP(a);
  return family !== 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function forwardedView(
  remoteAddress: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  trusted: BlockList,
  encrypted = false,
): ForwardedView {
  const peer = unmapped(remoteAddress ?? '') || 'unknown';
  const ownProtocol = encrypted ? 'https' : 'http';
  const host = first(headers.host);
  if (!isTrusted(trusted, peer)) return { client: peer, protocol: ownProtocol, host };
  // Walk the chain from the nearest hop: the first address that is not one of our proxies is
  // the client (anything left of it was written by the client and proves nothing).
  const chain = (
    Array.isArray(headers['x-forwarded-for'])
      ? headers['x-forwarded-for'].join(',')
      : (headers['x-forwarded-for'] ?? '')
  )
    .split(',')
    .map((s) => unmapped(s.trim()))
    .filter(Boolean);
  let client = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!isIP(chain[i])) break;
    client = chain[i];
    if (!isTrusted(trusted, chain[i])) break;
  }
  const proto = first(headers['x-forwarded-proto'])?.split(',').pop()?.trim().toLowerCase();
  const fwdHost = first(headers['x-forwarded-host'])?.split(',').pop()?.trim();
  return {
    client,
    protocol: proto === 'https' ? 'https' : proto === 'http' ? 'http' : ownProtocol,
    host: fwdHost || host,
  };
}

/** Replaces a request's forwarding headers with the trusted view (mutates `headers`). */
export function applyForwardedView(
  headers: Record<string, string | string[] | undefined>,
  view: ForwardedView,
): void {
  for (const h of FORWARDED_HEADERS) delete headers[h];
  headers['x-forwarded-for'] = view.client;
  headers['x-forwarded-proto'] = view.protocol;
  if (view.host) headers['x-forwarded-host'] = view.host;
}
