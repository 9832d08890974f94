/** The deployment's orders as the broker reported them, and its fills (one row per execution). */
import { exchangeClock, money, at } from './format';
import type { FillRow, OrderRow } from './types';

const th = 'pr-3 font-medium';

export function OrdersTable({ orders }: { orders: OrderRow[] }) {
  if (orders.length === 0) return <p className="text-xs text-zinc-400">No orders yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="orders-table">
        <caption className="sr-only">Orders</caption>
        <thead className="border-b border-zinc-800 text-zinc-400">
          <tr>
            <th className={`py-1.5 ${th}`}>Placed</th>
            <th className={th}>Leg</th>
            <th className={th}>Contract</th>
            <th className={th}>Side</th>
            <th className={`${th} text-right`}>Qty</th>
            <th className={`${th} text-right`}>Filled</th>
            <th className={`${th} text-right`}>Avg price</th>
            <th className={th}>Reason</th>
            <th className={th}>Status</th>
          </tr>
        </thead>
        <tbody>
          {orders.map((o) => (
            <tr
              key={o.id}
              className="border-b border-zinc-900"
              data-testid="order-row"
              data-reason={o.reason}
              data-leg={o.legId}
            >
              <td className="py-1.5 pr-3 text-zinc-400">{at(o.createdAt)}</td>
              <td className="pr-3 text-zinc-300">{o.legId}</td>
              <td className="pr-3 font-mono text-zinc-300">{o.contract}</td>
              <td className="pr-3">{o.side}</td>
              <td className="pr-3 text-right font-mono">{o.qty}</td>
              <td className="pr-3 text-right font-mono">{o.filledQty}</td>
              <td className="pr-3 text-right font-mono">{money(o.averagePrice, 2)}</td>
              <td className="pr-3 text-zinc-300">{o.reason.toLowerCase().replaceAll('_', ' ')}</td>
              <td className="pr-3 text-zinc-300" title={o.message ?? undefined}>
                {o.status.toLowerCase().replaceAll('_', ' ')}
                {o.message ? ` · ${o.message}` : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function FillsTable({ fills }: { fills: FillRow[] }) {
  if (fills.length === 0) return <p className="text-xs text-zinc-400">No fills yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-xs" data-testid="fills-table">
        <caption className="sr-only">Fills</caption>
        <thead className="border-b border-zinc-800 text-zinc-400">
          <tr>
            <th className={`py-1.5 ${th}`}>Time (exchange)</th>
            <th className={th}>Order</th>
            <th className={`${th} text-right`}>Qty</th>
            <th className={`${th} text-right`}>Price</th>
            <th className={`${th} text-right`}>Costs</th>
            <th className={th}>Execution id</th>
          </tr>
        </thead>
        <tbody className="font-mono">
          {fills.map((f) => (
            <tr key={f.executionId} className="border-b border-zinc-900" data-testid="fill-row">
              <td className="py-1.5 pr-3 text-zinc-400">{exchangeClock(f.ts)}</td>
              <td className="pr-3 text-zinc-300">{f.orderId}</td>
              <td className="pr-3 text-right">{f.qty}</td>
              <td className="pr-3 text-right">{money(f.price, 2)}</td>
              <td className="pr-3 text-right">{money(f.costs, 2)}</td>
              <td className="pr-3 text-zinc-400">{f.executionId}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
