/** The DSL's own examples, shown first in the template gallery so a new trader has something to fork. */
import bankniftyStraddleWidthMomentum from '@/engine/dsl/examples/banknifty-straddle-width-momentum.json' with { type: 'json' };
import btcStraddle from '@/engine/dsl/examples/btc-straddle.json' with { type: 'json' };
import finniftyRangeBreakoutUnderlying from '@/engine/dsl/examples/finnifty-range-breakout-underlying.json' with { type: 'json' };
import midcpniftyRangeBreakoutStrike from '@/engine/dsl/examples/midcpnifty-range-breakout-strike.json' with { type: 'json' };
import niftyIronCondorDelta from '@/engine/dsl/examples/nifty-iron-condor-delta.json' with { type: 'json' };
import niftyLazyLegs from '@/engine/dsl/examples/nifty-lazy-legs.json' with { type: 'json' };
import niftyShortStraddleRecost from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import niftyStranglePremiumRangeLockAndTrail from '@/engine/dsl/examples/nifty-strangle-premium-range-lock-and-trail.json' with { type: 'json' };
import qqqFuturesHedgeSelectors from '@/engine/dsl/examples/qqq-futures-hedge-selectors.json' with { type: 'json' };
import sensexOverallMomentumReentry from '@/engine/dsl/examples/sensex-overall-momentum-reentry.json' with { type: 'json' };
import spxConditionsShowcase from '@/engine/dsl/examples/spx-conditions-showcase.json' with { type: 'json' };
import spyIvrankCreditSpread from '@/engine/dsl/examples/spy-ivrank-credit-spread.json' with { type: 'json' };
import { parseDsl, type DslDocument } from '@/engine/dsl';

const files: Record<string, unknown> = {
  'banknifty-straddle-width-momentum': bankniftyStraddleWidthMomentum,
  'btc-straddle': btcStraddle,
  'finnifty-range-breakout-underlying': finniftyRangeBreakoutUnderlying,
  'midcpnifty-range-breakout-strike': midcpniftyRangeBreakoutStrike,
  'nifty-iron-condor-delta': niftyIronCondorDelta,
  'nifty-lazy-legs': niftyLazyLegs,
  'nifty-short-straddle-recost': niftyShortStraddleRecost,
  'nifty-strangle-premium-range-lock-and-trail': niftyStranglePremiumRangeLockAndTrail,
  'qqq-futures-hedge-selectors': qqqFuturesHedgeSelectors,
  'sensex-overall-momentum-reentry': sensexOverallMomentumReentry,
  'spx-conditions-showcase': spxConditionsShowcase,
  'spy-ivrank-credit-spread': spyIvrankCreditSpread,
};

export type ExampleTemplate = { id: string; file: string; dsl: DslDocument };

export const EXAMPLE_PREFIX = 'example-';

let cached: ExampleTemplate[] | null = null;

/** Every example, validated; one that stopped validating is a bug in the examples, named here. */
export function exampleTemplates(): ExampleTemplate[] {
  cached ??= Object.entries(files).map(([file, json]) => {
    const parsed = parseDsl(json);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new Error(`engine/dsl/examples/${file}.json does not validate (${first?.path}: ${first?.message})`);
    }
    return { id: `${EXAMPLE_PREFIX}${file}`, file, dsl: parsed.value };
  });
  return cached;
}
