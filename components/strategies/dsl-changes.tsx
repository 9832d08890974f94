/** A DSL diff as a trader reads it: where (leg 2 › stop-loss › value), what kind of change, before → after. */
import type { DslChange } from '@/engine/diff/dsl-diff';

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

const WORDS: Record<string, string> = {
  basket: '',
  strategies: 'strategy',
  legs: 'leg',
  stopLoss: 'stop-loss',
  target: 'target',
  trailingStop: 'trailing stop',
  reEntryOnStopLoss: 're-entry after SL',
  reEntryOnTarget: 're-entry after target',
  strike: 'strike',
  execution: 'execution',
  costModel: 'cost model',
  conditions: 'conditions',
};

/** "/basket/strategies/0/legs/1/stopLoss/value" -> "strategy 1 › leg 2 › stop-loss › value". */
export function changePath(path: string): string {
  const parts = path.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const next = parts[i + 1];
    if (p in WORDS && WORDS[p] === '') continue;
    if ((p === 'strategies' || p === 'legs') && next !== undefined && /^\d+$/.test(next)) {
      out.push(`${WORDS[p]} ${Number(next) + 1}`);
      i++;
      continue;
    }
    out.push(WORDS[p] ?? p);
  }
  return out.join(' › ') || '(document)';
}

export function DslChanges({ changes, total }: { changes: DslChange[]; total: number }) {
  return (
    <div className="mt-1 space-y-0.5">
      <table className="w-full text-[11px]" data-testid="dsl-diff">
        <tbody>
          {changes.map((c) => (
            <tr key={`${c.kind}${c.path}`} className="align-top">
              <td
                className={`pr-2 ${c.kind === 'added' ? 'text-emerald-400' : c.kind === 'removed' ? 'text-rose-400' : 'text-amber-300'}`}
              >
                {c.kind}
              </td>
              <td className="pr-2 text-zinc-300" title={c.path}>
                {changePath(c.path)}
              </td>
              <td className="break-all font-mono text-zinc-400">
                {c.kind === 'changed'
                  ? `${show(c.before)} → ${show(c.after)}`
                  : c.kind === 'added'
                    ? show(c.after)
                    : show(c.before)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > changes.length ? (
        <p className="text-zinc-400">…and {total - changes.length} more.</p>
      ) : null}
    </div>
  );
}
