'use client';
/** A modal question before something that cannot be undone (kill, kill all): Escape or Cancel keeps things as they are. */
import { useEffect, useId, useRef, type ReactNode } from 'react';

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busy = false,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ids = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Cancel has the focus: Enter on a stray keypress must not kill anything.
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCancel();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="fixed inset-0 z-50 flex items-start justify-center p-4 pt-24">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${ids}-title`}
        aria-describedby={`${ids}-body`}
        className="w-full max-w-md space-y-3 rounded border border-rose-900 bg-zinc-900 p-4 text-xs shadow-2xl shadow-black ring-1 ring-zinc-600"
      >
        <h2 id={`${ids}-title`} className="text-sm font-semibold text-zinc-100">
          {title}
        </h2>
        <div id={`${ids}-body`} className="text-zinc-300">
          {children}
        </div>
        {error && (
          <p role="alert" className="text-rose-400">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <button
            ref={cancel}
            type="button"
            onClick={onCancel}
            className="rounded border border-zinc-700 px-3 py-1.5 text-zinc-200 hover:border-zinc-500"
          >
            Cancel
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={onConfirm}
            className="rounded bg-rose-700 px-3 py-1.5 font-medium text-white hover:bg-rose-600 disabled:opacity-50"
          >
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
