'use client';
/** The deployment's positions: each leg with its LTP, P&L and greeks on the latest chain, and a square-off per open leg. */
import { greek, money, pnlClass } from './format';
import type { PositionRow } from './types';

export function PositionsTable({
  positions,
  canTrade,
  busyLeg,
  onSquareOff,
}: {
  positions: PositionRow[];
  /** Whether the deployment still takes commands (running or paused). */
  canTrade: boolean;
  busyLeg: string | null;
  onSquareOff: (p: PositionRow) => void;
}) {
  if (positions.length === 0)
    return <p className="text-xs text-zinc-400">No positions yet: the strategy has not entered.</p>;
  const open = positions.filter((p) => p.qty > 0);
  const net = (k: 'delta' | 'gamma' | 'theta' | 'vega') =>
    open.reduce((a, p) => a + (p.greeks?.[k] ?? 0), 0);
  const th = 'pr-3 font-medium';
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="positions-table">
        <caption className="sr-only">Positions</caption>
        <thead className="border-b border-zinc-800 text-zinc-400">
          <tr>
            <th className={`py-1.5 ${th}`}>Leg</th>
            <th className={th}>Contract</th>
            <th className={th}>Side</th>
            <th className={`${th} text-right`}>Qty</th>
            <th className={`${th} text-right`}>Entry</th>
            <th className={`${th} text-right`}>LTP</th>
            <th className={`${th} text-right`}>P&amp;L</th>
            <th className={`${th} text-right`}>IV</th>
            <th className={`${th} text-right`}>Delta</th>
            <th className={`${th} text-right`}>Gamma</th>
            <th className={`${th} text-right`}>Theta</th>
            <th className={`${th} text-right`}>Vega</th>
            <th className={th}>Status</th>
            <th className="font-medium">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {positions.map((p) => {
            const key = `${p.strategyId}/${p.legId}`;
            return (
              <tr
                key={`${key}/${p.contract}/${p.status}`}
                className="border-b border-zinc-900"
                data-testid="position-row"
                data-leg={p.legId}
                data-status={p.status}
              >
                <td className="py-1.5 pr-3 font-sans text-zinc-200" title={p.legId}>
                  {p.label}
                </td>
                <td className="pr-3 text-zinc-300">{p.contract}</td>
                <td className={`pr-3 ${p.side === 'SELL' ? 'text-rose-300' : 'text-emerald-300'}`}>
                  {p.side}
                </td>
                <td className="pr-3 text-right">{p.qty}</td>
                <td className="pr-3 text-right">{money(p.entryPrice, 2)}</td>
                <td className="pr-3 text-right" data-testid="position-ltp">
                  {money(p.greeks?.ltp ?? p.mark, 2)}
                </td>
                <td className={`pr-3 text-right ${pnlClass(p.pnl)}`}>{money(p.pnl, 2)}</td>
                <td className="pr-3 text-right">
                  {p.greeks?.iv ? `${(p.greeks.iv * 100).toFixed(1)}%` : '—'}
                </td>
                <td className="pr-3 text-right">{greek(p.qty > 0 ? p.greeks?.delta : null)}</td>
                <td className="pr-3 text-right">{greek(p.qty > 0 ? p.greeks?.gamma : null, 4)}</td>
                <td className="pr-3 text-right">{greek(p.qty > 0 ? p.greeks?.theta : null)}</td>
                <td className="pr-3 text-right">{greek(p.qty > 0 ? p.greeks?.vega : null)}</td>
                <td className="pr-3 font-sans text-zinc-400">
                  {p.status.toLowerCase().replace('_', ' ')}
                </td>
                <td className="font-sans">
                  {canTrade && p.status === 'OPEN' && (
                    <button
                      type="button"
                      disabled={busyLeg === key}
                      onClick={() => onSquareOff(p)}
                      aria-label={`Square off ${p.label}`}
                      className="rounded border border-amber-800 px-2 py-0.5 text-amber-200 hover:border-amber-600 disabled:opacity-50"
                    >
                      {busyLeg === key ? 'Sent…' : 'Square off'}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
        {open.length > 0 && (
          <tfoot className="font-mono text-zinc-300">
            <tr>
              <td colSpan={8} className="py-1.5 pr-3 text-right font-sans text-zinc-400">
                Net greeks of open legs
              </td>
              <td className="pr-3 text-right">{greek(net('delta'))}</td>
              <td className="pr-3 text-right">{greek(net('gamma'), 4)}</td>
              <td className="pr-3 text-right">{greek(net('theta'))}</td>
              <td className="pr-3 text-right">{greek(net('vega'))}</td>
              <td colSpan={2} />
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
