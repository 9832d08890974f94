import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnv } from '@/db/env';
import { testRedisUrl } from '@/tests/setup/redis';
import { closeQueues, createConnection, deploymentChannel } from '@/workers/queues';
import { changeMark, changedAny, closeDeploymentHub, openStream } from './deployment-stream';

let pub: Redis;

beforeAll(async () => {
  process.env.REDIS_URL = await testRedisUrl();
  resetEnv();
  pub = createConnection('client', process.env.REDIS_URL);
  openStream('stream-test-user')(); // opens the process's subscriber
  // The subscriber is ready once it hears a message.
  const probe = randomUUID();
  const heard = changedAny([probe], 5_000);
  const until = Date.now() + 5_000;
  let done = false;
  void heard.then(() => (done = true));
  while (!done && Date.now() < until) {
    await pub.publish(deploymentChannel(probe), 'probe');
    await new Promise((r) => setTimeout(r, 50));
  }
});

afterAll(async () => {
  pub?.disconnect();
  closeDeploymentHub();
  await closeQueues();
  delete process.env.REDIS_URL;
  resetEnv();
});

const heardWithin = async (p: Promise<void>, ms: number) =>
  Promise.race([p.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);

describe('deployment change streams', () => {
  it('a change published while the stream read the database ends its next wait at once (a killed deployment sends no second one)', async () => {
    const id = randomUUID();
    const mark = changeMark(); // the stream marks, then reads its rows ...
    await pub.publish(deploymentChannel(id), JSON.stringify({ kind: 'update' })); // ... the kill's step lands ...
    await new Promise((r) => setTimeout(r, 300)); // ... and the stream sleeps before waiting.
    expect(await heardWithin(changedAny([id], 30_000, undefined, mark), 1_000)).toBe(true);
    // Without the mark that change is lost: the wait would last until the keep-alive.
    expect(await heardWithin(changedAny([id], 30_000), 500)).toBe(false);
  });

  it('a change of another deployment does not end the wait', async () => {
    const mine = randomUUID();
    const mark = changeMark();
    await pub.publish(deploymentChannel(randomUUID()), 'x');
    expect(await heardWithin(changedAny([mine], 30_000, undefined, mark), 500)).toBe(false);
  });
});
