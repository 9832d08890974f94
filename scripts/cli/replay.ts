/**
 * `replay <deployment-id>`: reruns a deployment's recorded inputs through the kernel and prints
 * one JSON line: the same orders, events and P&L (`identical: true`), or the first step where
 * they differ. Reads the app's database (DATABASE_URL, or the embedded one under DATA_DIR: stop
 * the app first, the embedded database takes one process at a time).
 */
import { parseArgs } from './_args';

export const summary =
  'replay <deployment-id>: rerun a deployment through the kernel; the same intents and P&L, or the first difference';

export async function run(args: string[]): Promise<number> {
  const { positionals } = parseArgs(args, {});
  const [id] = positionals;
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) {
    console.error('replay: give the deployment id (a UUID, as shown on its page)');
    console.error(`usage: npm run -s cli -- ${summary}`);
    return 1;
  }
  process.env.LOG_LEVEL ??= 'silent';
  const { getDb, closeDb } = await import('@/db/client');
  const { replayDeployment } = await import('@/workers/deployments/replay');
  try {
    const r = await replayDeployment(await getDb(), id);
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return r.identical ? 0 : 1;
  } finally {
    await closeDb();
  }
}
