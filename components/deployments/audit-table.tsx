/** Who did what to the deployment and when (its audit_log rows): deploy, pause, resume, square-offs, kill. */
import { at } from './format';
import type { AuditRow } from './types';

const ACTION: Record<string, string> = {
  deploy: 'Deployed',
  pause: 'Paused',
  resume: 'Resumed',
  square_off: 'Squared off',
  kill: 'Killed',
};

function detailText(action: string, d: Record<string, unknown>): string {
  if (action === 'deploy')
    return `${String(d.mode ?? '')} on ${d.feed === 'session' ? 'a simulated session' : String(d.feed ?? '')}${d.riskLimits && Object.keys(d.riskLimits as object).length ? ` · limits ${Object.entries(d.riskLimits as Record<string, unknown>).map(([k, v]) => `${k} ${String(v)}`).join(', ')}` : ''}`; // prettier-ignore
  if (action === 'square_off')
    return d.legId
      ? `leg ${String(d.legId)}`
      : d.strategyId
        ? `strategy ${String(d.strategyId)}`
        : 'everything';
  return Object.entries(d)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');
}

export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (rows.length === 0) return <p className="text-xs text-zinc-400">Nothing recorded yet.</p>;
  return (
    <table className="w-full text-left text-xs" data-testid="audit-table">
      <caption className="sr-only">Audit log</caption>
      <thead className="border-b border-zinc-800 text-zinc-400">
        <tr>
          <th className="py-1.5 pr-3 font-medium">When</th>
          <th className="pr-3 font-medium">Action</th>
          <th className="font-medium">Detail</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a, i) => (
          <tr
            key={`${String(a.at)}-${i}`}
            className="border-b border-zinc-900"
            data-testid="audit-row"
            data-action={a.action}
          >
            <td className="py-1.5 pr-3 text-zinc-400">{at(a.at)}</td>
            <td className="pr-3 text-zinc-200">{ACTION[a.action] ?? a.action}</td>
            <td className="text-zinc-400">{detailText(a.action, a.detail)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
