'use client';
/** The compiler's errors, then the warnings, as one list; choosing one selects and centres the block it names. */
import type { Problem } from './catalog';
import type { Warning } from './warnings';

export function ProblemsPanel(props: {
  problems: Problem[];
  warnings?: Warning[];
  labelOf: (nodeId: string) => string;
  onFocus: (p: Problem) => void;
}) {
  const { problems } = props;
  const warnings = props.warnings ?? [];
  return (
    <section aria-labelledby="problems-title" className="flex h-full flex-col">
      <h2
        id="problems-title"
        className="flex items-center gap-2 border-b border-zinc-800 px-3 py-1 text-xs font-semibold text-zinc-300"
      >
        Problems
        <span
          data-testid="problem-count"
          className={`rounded px-1.5 text-[11px] ${problems.length ? 'bg-rose-900 text-rose-200' : 'bg-emerald-900 text-emerald-200'}`}
        >
          {problems.length}
        </span>
        {warnings.length ? (
          <span
            data-testid="warning-count"
            className="rounded bg-amber-900/70 px-1.5 text-[11px] text-amber-200"
          >
            {warnings.length} warning{warnings.length === 1 ? '' : 's'}
          </span>
        ) : null}
      </h2>
      {problems.length === 0 && warnings.length === 0 ? (
        <p className="px-3 py-2 text-xs text-emerald-300">
          No problems: this graph compiles to a valid strategy.
        </p>
      ) : (
        <ul className="flex-1 overflow-y-auto text-xs" data-testid="problems">
          {problems.map((p, i) => (
            <li key={`${p.nodeId}:${p.path}:${i}`}>
              <button
                type="button"
                onClick={() => props.onFocus(p)}
                className="flex w-full gap-2 px-3 py-1 text-left hover:bg-zinc-800 focus:bg-zinc-800 focus:outline-none"
              >
                <span className="shrink-0 text-rose-400">●</span>
                <span className="shrink-0 font-medium text-zinc-300">
                  {p.nodeId ? props.labelOf(p.nodeId) : 'Graph'}
                </span>
                {p.field ? (
                  <span className="shrink-0 font-mono text-zinc-400">{p.field}</span>
                ) : null}
                <span className="text-zinc-300">{p.message}</span>
              </button>
            </li>
          ))}
          {warnings.map((w, i) => (
            <li key={`w:${w.nodeId}:${i}`} data-testid="warning">
              <button
                type="button"
                onClick={() =>
                  props.onFocus({ nodeId: w.nodeId, path: '', field: w.field, message: w.message })
                }
                className="flex w-full gap-2 px-3 py-1 text-left hover:bg-zinc-800 focus:bg-zinc-800 focus:outline-none"
              >
                <span className="shrink-0 text-amber-400">▲</span>
                <span className="shrink-0 font-medium text-zinc-300">
                  {props.labelOf(w.nodeId)}
                </span>
                <span className="shrink-0 font-mono text-zinc-400">{w.field}</span>
                <span className="text-amber-200">{w.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
