'use client';
/** Inputs the leg table and its hedge row share: its control style and a number box. */
import { useState } from 'react';

export const ctl =
  'nodrag rounded border border-zinc-700 bg-zinc-900 px-1 py-0.5 text-xs text-zinc-100 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 aria-[invalid=true]:border-rose-500';

function num(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** A number box that writes numbers only and keeps a half-typed value on screen. */
export function NumberCell(props: {
  label: string;
  value: unknown;
  min?: number;
  step?: number;
  width?: string;
  invalid?: boolean;
  disabled?: boolean;
  onChange: (v: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? num(props.value);
  return (
    <input
      type="number"
      inputMode="decimal"
      aria-label={props.label}
      className={`${ctl} ${props.width ?? 'w-14'}`}
      value={shown}
      min={props.min}
      step={props.step ?? 'any'}
      disabled={props.disabled}
      aria-invalid={props.invalid || undefined}
      onChange={(e) => {
        setDraft(e.target.value);
        const n = Number(e.target.value);
        if (e.target.value.trim() !== '' && Number.isFinite(n)) props.onChange(n);
      }}
      onBlur={() => setDraft(null)}
    />
  );
}
