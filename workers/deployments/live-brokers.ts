/**
 * The live brokers of one worker process, one per broker account, built on first use from the
 * account's sealed credentials and kept (they hold streams, rate limits and circuit breakers).
 * Only a deployment created live gets one: asLiveDeployment refuses any other row.
 */
import type { Db } from '@/db/client';
import type { Deployment } from '@/db/schema';
import type { Broker } from '@/engine/broker/broker';
import { asLiveDeployment } from '../brokers/deployment-kind';
import { liveBrokerFor } from '../brokers/live';
import type { LiveBrokers } from './router';

export function liveBrokersOf(): LiveBrokers {
  const byAccount = new Map<string, Promise<Broker>>();
  return (db: Db, dep: Deployment) => {
    const live = asLiveDeployment(dep);
    let b = byAccount.get(live.brokerAccountId);
    if (!b) {
      b = liveBrokerFor(db, live);
      byAccount.set(live.brokerAccountId, b);
      // A broker that could not be built (expired session) is built again on the next order.
      b.catch(() => byAccount.delete(live.brokerAccountId));
    }
    return b;
  };
}
