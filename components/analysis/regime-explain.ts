/**
 * The regime classifier's decision for one reading, in words, step by step as docs/dsl.md#regime
 * orders it; the conclusion it reaches is checked against the classifier itself in the tests.
 */
import { REGIME_THRESHOLDS as T, type Regime } from '@/engine/dsl/conditions';
import type { RegimeReading } from '@/engine/analysis/regime';
import { pctValue, ratio } from '@/components/analysis/format';

export function explainRegime(p: RegimeReading): { steps: string[]; regime: Regime | undefined } {
  const rank = p.rankFrom === 'vix' ? p.vixRank : p.ivRank;
  const name = p.rankFrom === 'vix' ? 'VIX rank' : 'IV rank (no VIX in the data)';
  const steps: string[] = [];
  if (rank !== undefined) {
    if (rank >= T.highVolVixRank)
      return {
        steps: [`${name} ${ratio(rank, 0)} ≥ ${T.highVolVixRank}: high vol.`],
        regime: 'high_vol',
      };
    if (rank <= T.lowVolVixRank)
      return {
        steps: [`${name} ${ratio(rank, 0)} ≤ ${T.lowVolVixRank}: low vol.`],
        regime: 'low_vol',
      };
    steps.push(
      `${name} ${ratio(rank, 0)} is between ${T.lowVolVixRank} and ${T.highVolVixRank}: not an extreme.`,
    );
  } else steps.push('No rank: neither a VIX nor an ATM IV to rank.');
  if (p.hvIvRatio === undefined) {
    steps.push(
      p.hv === undefined
        ? 'HV needs the closes of at least two earlier sessions: no HV/IV ratio yet.'
        : 'No ATM IV: no HV/IV ratio.',
    );
    steps.push(rank === undefined ? 'Regime unknown.' : 'Neutral.');
    return { steps, regime: rank === undefined ? undefined : 'neutral' };
  }
  const r = p.hvIvRatio;
  const what = `HV ${pctValue(p.hv)} / ATM IV ${pctValue(p.atmIv)} = ${ratio(r)}`;
  if (r >= T.ivExpansionHvIvRatio) {
    steps.push(
      `${what} ≥ ${T.ivExpansionHvIvRatio}: realised runs ahead of implied, IV expansion.`,
    );
    return { steps, regime: 'iv_expansion' };
  }
  if (r <= T.ivContractionHvIvRatio) {
    steps.push(`${what} ≤ ${T.ivContractionHvIvRatio}: implied rich to realised, IV contraction.`);
    return { steps, regime: 'iv_contraction' };
  }
  steps.push(
    `${what} is between ${T.ivContractionHvIvRatio} and ${T.ivExpansionHvIvRatio}: neutral.`,
  );
  return { steps, regime: 'neutral' };
}
