/**
 * The gallery's built-in templates: the DSL examples of engine/dsl/examples, published once by a
 * system author that cannot sign in. Seeding is idempotent (each example has a stable key), so
 * every start may call it; an example whose file changed is published as its next version.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { logger } from '@/db/logger';
import { strategyVersions, templates, templateVersions, user } from '@/db/schema';
import { parseDsl } from '@/engine/dsl';
import { diffDsl } from '@/engine/diff/dsl-diff';
import { decompile } from '@/engine/graph';
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

export const EXAMPLES_AUTHOR_ID = 'strikeflow-examples';
const EXAMPLES_AUTHOR = {
  id: EXAMPLES_AUTHOR_ID,
  name: 'Strikeflow examples',
  email: 'examples@strikeflow.local',
};

const EXAMPLES: [string, unknown][] = [
  ['banknifty-straddle-width-momentum', bankniftyStraddleWidthMomentum],
  ['btc-straddle', btcStraddle],
  ['finnifty-range-breakout-underlying', finniftyRangeBreakoutUnderlying],
  ['midcpnifty-range-breakout-strike', midcpniftyRangeBreakoutStrike],
  ['nifty-iron-condor-delta', niftyIronCondorDelta],
  ['nifty-lazy-legs', niftyLazyLegs],
  ['nifty-short-straddle-recost', niftyShortStraddleRecost],
  ['nifty-strangle-premium-range-lock-and-trail', niftyStranglePremiumRangeLockAndTrail],
  ['qqq-futures-hedge-selectors', qqqFuturesHedgeSelectors],
  ['sensex-overall-momentum-reentry', sensexOverallMomentumReentry],
  ['spx-conditions-showcase', spxConditionsShowcase],
  ['spy-ivrank-credit-spread', spyIvrankCreditSpread],
];

/** Tags a trader would filter by, read off the document instead of kept by hand. */
function tagsOf(
  dsl: { basket: { strategies: { underlying: string; legs: { instrument: string }[] }[] } },
  key: string,
): string[] {
  const tags = new Set<string>(['example']);
  for (const s of dsl.basket.strategies) {
    tags.add(s.underlying.toLowerCase());
    if (s.legs.some((l) => l.instrument === 'future')) tags.add('futures');
  }
  for (const word of [
    'straddle',
    'strangle',
    'condor',
    'spread',
    'breakout',
    'momentum',
    'lazy',
    'conditions',
  ])
    if (key.includes(word)) tags.add(word);
  return [...tags];
}

export type SeedExamplesResult = { created: number; updated: number; unchanged: number };

export async function seedExampleTemplates(db: Db): Promise<SeedExamplesResult> {
  const result: SeedExamplesResult = { created: 0, updated: 0, unchanged: 0 };
  await db.insert(user).values(EXAMPLES_AUTHOR).onConflictDoNothing();
  for (const [key, json] of EXAMPLES) {
    const parsed = parseDsl(json);
    if (!parsed.ok)
      throw new Error(
        `example ${key}.json is not a valid DSL document: ${parsed.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      );
    const dsl = parsed.value;
    const graph = decompile(parsed.value);
    const title = parsed.value.basket.name;
    const description = parsed.value.basket.description ?? '';
    await db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ id: templates.id, version: templates.version, dsl: strategyVersions.dsl })
        .from(templates)
        .innerJoin(strategyVersions, eq(strategyVersions.id, templates.strategyVersionId))
        .where(eq(templates.exampleKey, key))
        .limit(1);
      // jsonb does not keep key order, so compare structurally.
      if (existing && diffDsl(existing.dsl, dsl).length === 0) {
        result.unchanged += 1;
        return;
      }
      const version = existing ? existing.version + 1 : 1;
      const [v] = await tx
        .insert(strategyVersions)
        .values({
          strategyId: null,
          ownerId: EXAMPLES_AUTHOR_ID,
          version,
          name: title,
          description,
          dsl,
          graph,
        })
        .returning({ id: strategyVersions.id });
      if (existing) {
        // The card shows the template's own title and description: they follow the example.
        await tx
          .update(templates)
          .set({ version, strategyVersionId: v.id, title, description })
          .where(and(eq(templates.id, existing.id), eq(templates.version, existing.version)));
        await tx.insert(templateVersions).values({
          templateId: existing.id,
          version,
          strategyVersionId: v.id,
          notes: 'Example updated',
        });
        result.updated += 1;
        return;
      }
      const [t] = await tx
        .insert(templates)
        .values({
          strategyVersionId: v.id,
          authorId: EXAMPLES_AUTHOR_ID,
          title,
          description,
          tags: tagsOf(parsed.value, key),
          isPublic: true,
          version: 1,
          exampleKey: key,
        })
        .onConflictDoNothing({ target: templates.exampleKey })
        .returning({ id: templates.id });
      if (!t) {
        // Another process seeded this example between our read and our write; drop our copy.
        await tx.delete(strategyVersions).where(eq(strategyVersions.id, v.id));
        return;
      }
      await tx
        .insert(templateVersions)
        .values({ templateId: t.id, version: 1, strategyVersionId: v.id, notes: 'First version' });
      result.created += 1;
    });
  }
  if (result.created || result.updated) logger.info(result, 'example templates seeded');
  return result;
}
