'use client';
import { ErrorNotice } from '@/components/ui/page';

// Server errors reach the browser without their message (by design); the digest matches the server log line.
export default function SignedInError({ error, retry }: { error: unknown; retry: () => void }) {
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="max-w-xl space-y-3">
      <ErrorNotice>
        This page could not load. The server may have lost its database or Redis connection; check
        the terminal running Strikeflow{digest ? ` (look for error ${digest})` : ''} and
        /api/health.
      </ErrorNotice>
      <button
        type="button"
        onClick={() => retry()}
        className="rounded border border-zinc-700 px-3 py-1.5 text-xs text-zinc-200 hover:border-zinc-500"
      >
        Try again
      </button>
    </div>
  );
}
