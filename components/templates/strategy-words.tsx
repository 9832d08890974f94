/** A strategy document in words: each strategy's underlying and times, its rules, and every leg as a trader says it. */
import type { DslDocument } from '@/engine/dsl';
import {
  describeExpiry,
  describeLeg,
  describeLevel,
  describeReEntry,
  describeSchedule,
  describeStrategyRules,
  describeTrailingStop,
} from '@/engine/dsl/describe';

export function StrategyWords({ dsl }: { dsl: DslDocument }) {
  return (
    <div className="space-y-3 text-xs" data-testid="strategy-words">
      {dsl.basket.strategies.map((s) => (
        <section key={s.id} aria-label={`Strategy ${s.name}`} className="space-y-1.5">
          {dsl.basket.strategies.length > 1 ? (
            <h3 className="font-medium text-zinc-200">{s.name}</h3>
          ) : null}
          <p className="text-zinc-300" data-testid="schedule-words">
            {describeSchedule(s)}
          </p>
          {describeStrategyRules(s).length ? (
            <ul className="list-disc pl-4 text-zinc-400">
              {describeStrategyRules(s).map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          ) : null}
          <table className="w-full text-left">
            <caption className="sr-only">Legs of {s.name}</caption>
            <thead className="text-[10px] uppercase text-zinc-400">
              <tr>
                <th scope="col" className="py-1 font-medium">
                  Leg
                </th>
                <th scope="col" className="font-medium">
                  Lots
                </th>
                <th scope="col" className="font-medium">
                  Expiry
                </th>
                <th scope="col" className="font-medium">
                  Stop-loss
                </th>
                <th scope="col" className="font-medium">
                  Target
                </th>
                <th scope="col" className="font-medium">
                  Trailing · re-entry
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800 text-zinc-300">
              {s.legs.map((l) => (
                <tr key={l.id} className="align-top" data-testid="leg-words">
                  <td
                    className={`whitespace-nowrap py-1 font-medium ${l.side === 'BUY' ? 'text-emerald-300' : 'text-rose-300'}`}
                  >
                    {describeLeg(l)}
                    {l.lazy ? <span className="ml-1 text-zinc-400">(lazy)</span> : null}
                    {l.hedge ? <span className="ml-1 text-zinc-400">(hedge)</span> : null}
                  </td>
                  <td>{l.lots}</td>
                  <td>{describeExpiry(l.expiry)}</td>
                  <td>{l.stopLoss ? describeLevel(l.stopLoss) : '—'}</td>
                  <td>{l.target ? describeLevel(l.target) : '—'}</td>
                  <td className="text-zinc-400">
                    {[
                      l.trailingStop ? describeTrailingStop(l.trailingStop) : null,
                      l.reEntryOnStopLoss
                        ? `after SL: ${describeReEntry(l.reEntryOnStopLoss)}`
                        : null,
                      l.reEntryOnTarget
                        ? `after target: ${describeReEntry(l.reEntryOnTarget)}`
                        : null,
                    ]
                      .filter(Boolean)
                      .join(' · ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}
