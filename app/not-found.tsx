import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center gap-3 px-4 text-center">
      <p className="font-mono text-xs text-zinc-500">404</p>
      <h1 className="text-base font-semibold text-zinc-100">There is no page at this address</h1>
      <p className="max-w-sm text-xs text-zinc-400">
        The link may be old, or the strategy it pointed to was deleted.
      </p>
      <Link
        href="/strategies"
        className="rounded bg-sky-600 px-3 py-1.5 text-xs font-medium text-white hover:bg-sky-500"
      >
        Go to your strategies
      </Link>
    </div>
  );
}
