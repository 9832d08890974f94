import type { ReactNode } from 'react';

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: string;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3 border-b border-zinc-800 pb-3">
      <div>
        <h1 className="text-lg font-semibold text-zinc-100">{title}</h1>
        {description && <p className="mt-0.5 text-xs text-zinc-400">{description}</p>}
      </div>
      {actions && <div className="flex items-center gap-2">{actions}</div>}
    </div>
  );
}

/** What a page shows when it has nothing yet: what this place is for and the next step to take. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div
      data-testid="empty-state"
      className="rounded border border-dashed border-zinc-800 bg-zinc-900/40 px-6 py-10 text-center"
    >
      <h2 className="text-sm font-medium text-zinc-200">{title}</h2>
      <div className="mx-auto mt-1 max-w-md text-xs leading-relaxed text-zinc-400">{children}</div>
      {action && <div className="mt-4 flex justify-center gap-2">{action}</div>}
    </div>
  );
}

export function ErrorNotice({ children }: { children: ReactNode }) {
  return (
    <p
      role="alert"
      className="rounded border border-red-900/60 bg-red-950/40 px-3 py-2 text-sm text-red-300"
    >
      {children}
    </p>
  );
}

export function LoadingRows({ rows = 3 }: { rows?: number }) {
  return (
    <div className="space-y-1.5" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="h-8 animate-pulse rounded bg-zinc-900" />
      ))}
    </div>
  );
}
