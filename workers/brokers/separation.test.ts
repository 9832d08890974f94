// Paper and live are separated by construction: the paper entry point cannot reach any code
// that opens a network connection, a paper deployment cannot be typed or converted into a live
// one, and a live deployment reaches only its own owner's broker account.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sealCredentials } from '@/db/broker-credentials';
import { eq, sql } from 'drizzle-orm';
import { brokerAccounts, deployments } from '@/db/schema';
import { createDeployment } from '@/server/services/deployments';
import { modeSwitchPreview, switchDeploymentMode } from '@/server/services/deployment-mode';
import { insertStrategy } from '@/server/testing/strategies';
import { useTestApi } from '@/server/testing/api';
import {
  asLiveDeployment,
  asPaperDeployment,
  DeploymentKindError,
  type PaperDeployment,
} from './deployment-kind';
import { liveBrokerFor } from './live';

const root = path.resolve(import.meta.dirname, '../..');

/** Files and packages a module loads at run time (type-only imports carry no code). */
function importGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  // Static imports and re-exports, bare side-effect imports, and dynamic import().
  const re =
    /(import|export)(\s+type\b)?[^'";]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s*['"]([^'"]+)['"]/g;
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(path.join(root, file), 'utf8').matchAll(re)) {
      if (m[2]) continue;
      const spec = m[3] ?? m[4] ?? m[5];
      let target: string;
      if (spec.startsWith('@/')) target = spec.slice(2);
      else if (spec.startsWith('.'))
        target = path.relative(root, path.resolve(path.dirname(path.join(root, file)), spec));
      else {
        packages.add(spec);
        continue;
      }
      const candidates = [target, `${target}.ts`, `${target}.tsx`, `${target}/index.ts`];
      const found = candidates.find((c) => {
        try {
          return readFileSync(path.join(root, c)) && /\.tsx?$/.test(c);
        } catch {
          return false;
        }
      });
      if (!found) throw new Error(`${file} imports ${spec}, which does not resolve`);
      visit(found);
    }
  };
  visit(entry);
  return { files, packages };
}

describe('paper and live separation', () => {
  it('the paper entry point reaches no live adapter, no network library and no socket', () => {
    const { files, packages } = importGraph('workers/brokers/paper.ts');
    const live = [...files].filter(
      (f) => f.startsWith('workers/brokers/') && f !== 'workers/brokers/paper.ts',
    );
    expect(live).toEqual([]);
    const network = [...packages].filter((p) =>
      /^(ws|undici|msgpackr|bullmq|ioredis|postgres|(node:)?(http|https|net|tls|dgram))(\/|$)/.test(
        p,
      ),
    );
    expect(network).toEqual([]);
    for (const f of files) {
      const src = readFileSync(path.join(root, f), 'utf8');
      expect(src, f).not.toMatch(/\bfetch\(|new WebSocket\(/);
    }
    // The walk is real: the live entry point does reach the adapters.
    const liveGraph = importGraph('workers/brokers/live.ts');
    expect([...liveGraph.files]).toContain('workers/brokers/kite/venue.ts');
    expect([...liveGraph.packages]).toContain('ws');
  });

  it('a paper deployment cannot become a live one, by type or at run time', () => {
    const paper = asPaperDeployment({ id: 'd1', ownerId: 'u1', mode: 'paper' });
    const check = (d: PaperDeployment) =>
      // @ts-expect-error a PaperDeployment is not a LiveDeployment: tsc refuses this call.
      liveBrokerFor(undefined as never, d);
    expect(typeof check).toBe('function');
    for (const mode of ['paper', 'PAPER', 'live ', '', 'Live'])
      expect(() =>
        asLiveDeployment({ id: 'd1', ownerId: 'u1', mode, brokerAccountId: 'acc' }),
      ).toThrow(DeploymentKindError);
    expect(() => asLiveDeployment({ id: 'd1', ownerId: 'u1', mode: 'live' })).toThrow(
      /names no broker account/,
    );
    expect(() => asPaperDeployment({ id: 'd2', ownerId: 'u1', mode: 'live' })).toThrow(
      DeploymentKindError,
    );
    expect(paper.kind).toBe('paper');
  });
});

describe('broker market data', () => {
  it('a broker feed streams quotes and reaches no code that places or cancels an order', () => {
    const { files } = importGraph('workers/deployments/broker-feeds.ts');
    expect([...files]).toContain('workers/brokers/feeds/kite-feed.ts');
    const orderPaths = [...files].filter(
      (f) =>
      /^workers\/(brokers\/(live|live-broker|paper|venue|.*\/venue)|deployments\/(router|live-orders|evaluator))\.ts$/.test(f), // prettier-ignore
    );
    expect(orderPaths).toEqual([]);
    // Kite's HTTP client has order methods; the feeds use it only for the instrument dump.
    for (const f of files)
      expect(readFileSync(path.join(root, f), 'utf8'), f).not.toMatch(/\.(placeOrder|cancelOrder)\(|private\/(buy|sell|cancel)/); // prettier-ignore
  });
});

describe('switching paper <-> live', () => {
  it('the switch itself reaches no broker adapter: it only writes rows (the workers build brokers for live rows)', () => {
    const { files } = importGraph('server/services/deployment-mode.ts');
    expect([...files].filter((f) => f.startsWith('workers/brokers/'))).toEqual([]);
    expect([...files].filter((f) => f.startsWith('workers/deployments/'))).toEqual([]);
    expect([...files]).toContain('server/services/deployments.ts');
  });
});

describe('live deployments and broker accounts', () => {
  const api = useTestApi();

  it("the database refuses to change a deployment's mode or broker account in place", async () => {
    const { userId } = await api.callerFor('sep-fixed@example.com');
    const strategyId = await insertStrategy(api.db, userId);
    const accountId = crypto.randomUUID();
    await api.db.insert(brokerAccounts).values({ id: accountId, ownerId: userId, broker: 'kite', label: 'K', status: 'connected', credentials: sealCredentials({ id: accountId, ownerId: userId }, { apiKey: 'k', apiSecret: 's' }) }); // prettier-ignore
    const paper = await createDeployment(api.db, userId, { strategyId, mode: 'paper', feed: 'recorded' }); // prettier-ignore
    await expect(
      api.db.update(deployments).set({ mode: 'live', brokerAccountId: accountId }).where(eq(deployments.id, paper.id)), // prettier-ignore
    ).rejects.toThrow();
    await expect(api.db.execute(sql`update deployments set mode = 'live' where id = ${paper.id}`)).rejects.toThrow(); // prettier-ignore
    const [row] = await api.db.select().from(deployments).where(eq(deployments.id, paper.id));
    expect(row).toMatchObject({ mode: 'paper', brokerAccountId: null });
    // Every other column still changes (status, reconciliation, trading state).
    await api.db.update(deployments).set({ status: 'paused' }).where(eq(deployments.id, paper.id));
    // And the router never asks for a live broker for a paper row: asLiveDeployment refuses it.
    expect(() => asLiveDeployment({ ...row, mode: row.mode })).toThrow(DeploymentKindError);
  });

  it("a live deployment takes its broker account's feed; a paper one stays on the simulated market; a broker without data for the basket is refused", async () => {
    const { userId } = await api.callerFor('sep-feeds@example.com');
    const strategyId = await insertStrategy(api.db, userId);
    const kite = crypto.randomUUID();
    const alpaca = crypto.randomUUID();
    await api.db.insert(brokerAccounts).values([
      { id: kite, ownerId: userId, broker: 'kite', label: 'Zerodha', status: 'connected', profile: { userId: 'XY9876' }, credentials: sealCredentials({ id: kite, ownerId: userId }, { apiKey: 'k', apiSecret: 's', accessToken: 't' }) }, // prettier-ignore
      { id: alpaca, ownerId: userId, broker: 'alpaca', label: 'US', status: 'connected', credentials: sealCredentials({ id: alpaca, ownerId: userId }, { keyId: 'k', secretKey: 's' }) }, // prettier-ignore
    ]);
    const paper = await createDeployment(api.db, userId, { strategyId, mode: 'paper', feed: 'market', brokerAccountId: kite }); // prettier-ignore
    expect(paper.feed).toMatchObject({ kind: 'market' });
    expect(paper.brokerAccountId).toBeNull();
    const live = await createDeployment(api.db, userId, { strategyId, mode: 'live', feed: 'market', brokerAccountId: kite }); // prettier-ignore
    expect(live.feed).toEqual({ kind: 'broker', accountId: kite, broker: 'kite', label: 'XY9876', underlyings: ['NIFTY'] }); // prettier-ignore
    await expect(
      createDeployment(api.db, userId, { strategyId, mode: 'live', feed: 'market', brokerAccountId: alpaca }), // prettier-ignore
    ).rejects.toMatchObject({ userMessage: expect.stringMatching(/Broker account "US" \(alpaca\) has no market data for NIFTY/) }); // prettier-ignore
    await expect(
      createDeployment(api.db, userId, { strategyId, mode: 'live', feed: 'session', brokerAccountId: kite }), // prettier-ignore
    ).rejects.toMatchObject({ userMessage: expect.stringMatching(/simulated session is for paper trading only/) }); // prettier-ignore
    // Nor on recorded ticks: real orders at a file's prices, whoever asks (the API's schema has no
    // such feed; the service refuses it too), and a paper run on recorded ticks cannot switch live.
    await expect(
      createDeployment(api.db, userId, { strategyId, mode: 'live', feed: 'recorded', source: 'a file', brokerAccountId: kite }), // prettier-ignore
    ).rejects.toMatchObject({ userMessage: expect.stringMatching(/Recorded ticks are for paper runs only.*deploy it on the market/) }); // prettier-ignore
    const recorded = await createDeployment(api.db, userId, { strategyId, mode: 'paper', feed: 'recorded', source: 'a file' }); // prettier-ignore
    const preview = await modeSwitchPreview(api.db, userId, recorded.id);
    expect(preview.blockers).toContain('Recorded ticks are for paper runs only; deploy the strategy on the real-time market to go live.'); // prettier-ignore
    await expect(
      switchDeploymentMode(api.db, userId, { id: recorded.id, to: 'live', brokerAccountId: kite, confirmName: preview.strategyName }), // prettier-ignore
    ).rejects.toMatchObject({ userMessage: expect.stringMatching(/Recorded ticks are for paper runs only/) }); // prettier-ignore
    const [still] = await api.db.select().from(deployments).where(eq(deployments.predecessorId, recorded.id)); // prettier-ignore
    expect(still).toBeUndefined();
  });

  it("never builds a broker from someone else's account, nor from a Kite account without today's session", async () => {
    const { userId: a } = await api.callerFor('sep-a@example.com');
    const { userId: b } = await api.callerFor('sep-b@example.com');
    const id = crypto.randomUUID();
    await api.db.insert(brokerAccounts).values({
      id,
      ownerId: a,
      broker: 'kite',
      label: 'A kite',
      status: 'login_required',
      credentials: sealCredentials({ id, ownerId: a }, { apiKey: 'k', apiSecret: 's' }),
    });
    await expect(
      liveBrokerFor(
        api.db,
        asLiveDeployment({ id: 'dep-b', ownerId: b, mode: 'live', brokerAccountId: id }),
      ),
    ).rejects.toThrow(/does not exist or is not the owner's/);
    await expect(
      liveBrokerFor(
        api.db,
        asLiveDeployment({ id: 'dep-a', ownerId: a, mode: 'live', brokerAccountId: id }),
      ),
    ).rejects.toThrow(/no session for today/);
  });
});
