/** A strategy row as the builder stores it (the canvas graph and its DSL), for tests that need one to backtest. */
import type { Db } from '@/db/client';
import { strategies } from '@/db/schema';
import { straddle } from '@/engine/backtest/golden-straddle';
import { decompile } from '@/engine/graph';
import { compileForSave } from '@/server/services/strategy-documents';

export async function insertStrategy(
  db: Db,
  ownerId: string,
  opts: { valid?: boolean; name?: string } = {},
): Promise<string> {
  const valid = opts.valid ?? true;
  const graph = (valid
    ? decompile(straddle())
    : { nodes: [], edges: [], viewport: { x: 0, y: 0, zoom: 1 } }) as unknown as Record<
    string,
    unknown
  >;
  const [s] = await db
    .insert(strategies)
    .values({
      ownerId,
      name: opts.name ?? 'Golden straddle',
      dsl: valid ? compileForSave(graph).dsl : null,
      graph,
    })
    .returning({ id: strategies.id });
  return s.id;
}
