'use client';
/** Every DSL block, grouped as a trader thinks of them; drag one onto the canvas, or focus it and press Enter. */
import { useState } from 'react';
import { BLOCKS, GROUP_STYLE, PALETTE_GROUPS } from './catalog';

export const BLOCK_MIME = 'application/x-strikeflow-block';

export function Palette(props: { onAdd: (type: string) => void; disabled?: boolean }) {
  const [filter, setFilter] = useState('');
  const q = filter.trim().toLowerCase();
  return (
    <nav aria-label="Block palette" className="flex h-full flex-col overflow-hidden">
      <div className="border-b border-zinc-800 p-2">
        <label htmlFor="palette-filter" className="mb-1 block text-xs font-medium text-zinc-400">
          Find a block
        </label>
        <input
          id="palette-filter"
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="leg, strike, stop-loss…"
          className="w-full rounded border border-zinc-700 bg-zinc-900 px-2 py-1 text-sm text-zinc-100 focus:border-sky-500 focus:outline-none"
        />
      </div>
      <div className="flex-1 space-y-3 overflow-y-auto p-2">
        {PALETTE_GROUPS.map((g) => {
          const blocks = BLOCKS.filter(
            (b) =>
              b.group === g &&
              (!q || b.label.toLowerCase().includes(q) || b.type.toLowerCase().includes(q)),
          );
          if (!blocks.length) return null;
          return (
            <section key={g} aria-labelledby={`palette-${g}`}>
              <h3
                id={`palette-${g}`}
                className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-400"
              >
                {GROUP_STYLE[g].title}
              </h3>
              <ul className="space-y-1">
                {blocks.map((b) => (
                  <li key={b.type}>
                    <button
                      type="button"
                      draggable={!props.disabled}
                      disabled={props.disabled}
                      data-testid={`palette-${b.type}`}
                      aria-label={`Add ${b.label}`}
                      title={`${b.description} Drag onto the canvas, or press Enter to add.`}
                      onDragStart={(e) => {
                        e.dataTransfer.setData(BLOCK_MIME, b.type);
                        e.dataTransfer.effectAllowed = 'copy';
                      }}
                      onClick={() => props.onAdd(b.type)}
                      className={`w-full cursor-grab rounded border border-zinc-800 px-2 py-1 text-left text-xs text-zinc-200 hover:border-zinc-600 focus:border-sky-500 focus:outline-none focus:ring-1 focus:ring-sky-500 ${GROUP_STYLE[g].chip}`}
                    >
                      <span className="block font-medium">{b.label}</span>
                      <span className="block truncate text-[10px] text-zinc-400">
                        {b.description}
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </nav>
  );
}
