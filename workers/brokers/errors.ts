/**
 * How a venue call can fail, in the two kinds that matter for money: a *refusal* is the venue's
 * final answer about an order (never retried), a *transient* failure (timeout, dropped
 * connection, 429, 5xx) says nothing about whether the order got there, so it is retried only
 * after looking the order up.
 */
import type { RejectCode } from '@/engine/broker/broker';

/** The venue refused the order or request; `code` is our mapping of its error. */
export class VenueRefusal extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'VenueRefusal';
  }
}

export type TransientKind = 'timeout' | 'network' | 'rate-limit' | 'server';

/** The call may or may not have reached the venue. */
export class VenueUnavailable extends Error {
  constructor(
    readonly kind: TransientKind,
    message: string,
    readonly status?: number,
    /** Seconds the venue asked us to wait (Retry-After), when it said. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'VenueUnavailable';
  }
}

/** The session is no longer valid (Kite TokenException, Deribit 13009): nothing works until login. */
export class VenueAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VenueAuthError';
  }
}

export const isTransient = (e: unknown): e is VenueUnavailable => e instanceof VenueUnavailable;
