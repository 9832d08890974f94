// A deployment's page is read from one snapshot: the evaluator commits a deployment's row (its
// trading state) together with its runtime state, and a page read between two of its queries must
// not show half of such a commit. CI once saw "entries halted" (from the state) next to a trading
// state of ACTIVE (from the row) in the same view.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { deployments, deploymentState } from '@/db/schema';
import { decodeState, encodeState } from '@/engine/runtime/state-codec';
import { createDeployment, getDeployment } from '@/server/services/deployments';
import { insertStrategy } from '@/server/testing/strategies';
import { useTestApi } from '@/server/testing/api';

const api = useTestApi();

describe('a deployment view', () => {
  it('never shows a trading state from one commit next to the runtime state of another', async () => {
    const { userId } = await api.callerFor('view-snapshot@example.test');
    const strategyId = await insertStrategy(api.db, userId);
    const dep = await createDeployment(api.db, userId, { strategyId, mode: 'paper', feed: 'market' }); // prettier-ignore

    // Flips the deployment between ACTIVE and halted entries the way the evaluator commits it:
    // the row's trading state and the runtime state's (with its reason) in one transaction.
    const flip = () =>
      api.db.transaction(async (tx) => {
        const [st] = await tx.select().from(deploymentState).where(eq(deploymentState.deploymentId, dep.id)); // prettier-ignore
        const state = decodeState(st.state);
        const halt = state.tradingState === 'ACTIVE';
        state.tradingState = halt ? 'REDUCING' : 'ACTIVE';
        state.tradingStateCause = halt ? 'RECONCILIATION' : null;
        state.tradingStateReason = halt ? 'the broker holds 0 of NIFTY CE, we hold -65' : null;
        await tx.update(deploymentState).set({ state: encodeState(state) }).where(eq(deploymentState.deploymentId, dep.id)); // prettier-ignore
        await tx.update(deployments).set({ tradingState: state.tradingState }).where(eq(deployments.id, dep.id)); // prettier-ignore
      });
    const torn: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 150; i++) {
      // Each read races one commit, which starts a little later each time so that it lands
      // between different queries of the read (PGlite's one connection takes them in turns).
      const [v] = await Promise.all([
        getDeployment(api.db, userId, dep.id),
        (async () => {
          for (let y = i % 12; y > 0; y--) await Promise.resolve();
          await flip();
        })(),
      ]);
      seen.add(v.tradingState);
      if ((v.tradingStateReason !== null) !== (v.tradingState === 'REDUCING'))
        torn.push(`${v.tradingState} with reason ${v.tradingStateReason}`);
    }
    expect(torn).toEqual([]);
    // Both states were read: the reads did race the commits.
    expect([...seen].sort()).toEqual(['ACTIVE', 'REDUCING']);
  }, 60_000);
});
