/** A regime as a coloured word, the same colours in the vol lab and the regime view. */
import type { Regime } from '@/engine/dsl/conditions';

export const REGIME_COLORS: Record<Regime, string> = {
  low_vol: '#38bdf8',
  high_vol: '#f43f5e',
  iv_expansion: '#f59e0b',
  iv_contraction: '#a78bfa',
  neutral: '#71717a',
};

export const REGIME_LABELS: Record<Regime, string> = {
  low_vol: 'low vol',
  high_vol: 'high vol',
  iv_expansion: 'IV expansion',
  iv_contraction: 'IV contraction',
  neutral: 'neutral',
};

export function RegimeBadge({ regime }: { regime: Regime | undefined }) {
  if (!regime) return <span className="text-zinc-500">unknown</span>;
  return (
    <span
      className="inline-flex items-center gap-1.5"
      data-testid="regime-badge"
      data-regime={regime}
    >
      <span
        className="inline-block h-2 w-2 rounded-full"
        style={{ background: REGIME_COLORS[regime] }}
      />
      {REGIME_LABELS[regime]}
    </span>
  );
}
