/** The demo account's example strategies: a few of the DSL's own examples, with the canvas graph the compiler lays out. */
import bankniftyStraddleWidth from '@/engine/dsl/examples/banknifty-straddle-width-momentum.json' with { type: 'json' };
import niftyIronCondor from '@/engine/dsl/examples/nifty-iron-condor-delta.json' with { type: 'json' };
import niftyShortStraddle from '@/engine/dsl/examples/nifty-short-straddle-recost.json' with { type: 'json' };
import { parseDsl, type DslDocument } from '@/engine/dsl';
import { decompile } from '@/engine/graph';

export type DemoStrategy = {
  name: string;
  description: string;
  dsl: DslDocument;
  graph: Record<string, unknown>;
};

const examples: Record<string, unknown> = {
  'nifty-short-straddle-recost': niftyShortStraddle,
  'nifty-iron-condor-delta': niftyIronCondor,
  'banknifty-straddle-width-momentum': bankniftyStraddleWidth,
};

export function demoStrategies(): DemoStrategy[] {
  return Object.entries(examples).map(([file, json]) => {
    const parsed = parseDsl(json);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new Error(
        `engine/dsl/examples/${file}.json no longer validates (${first?.path}: ${first?.message}); fix the example or pick another for the demo`,
      );
    }
    const { basket } = parsed.value;
    return {
      name: basket.name,
      description: basket.description,
      dsl: parsed.value,
      graph: decompile(parsed.value),
    };
  });
}
