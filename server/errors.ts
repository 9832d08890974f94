/** One error type for everything a user can cause or needs to hear about; the API maps it to tRPC codes in one place. */
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

export type AppErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'INVALID_INPUT'
  | 'CONFLICT'
  | 'UNPROCESSABLE'
  | 'UNAVAILABLE'
  | 'TOO_MANY_REQUESTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

/** The only place that decides which tRPC (and so HTTP) code an AppError becomes. */
export const trpcCodeFor: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_INPUT: 'BAD_REQUEST',
  CONFLICT: 'CONFLICT',
  UNPROCESSABLE: 'UNPROCESSABLE_CONTENT',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/**
 * `message` is for logs and developers (may name ids and internals);
 * `userMessage` is what the person at the screen reads: what went wrong and what to do.
 */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly userMessage: string;

  constructor(
    code: AppErrorCode,
    message: string,
    userMessage: string = message,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: trpcCodeFor[error.code], message: error.userMessage, cause: error });
}
