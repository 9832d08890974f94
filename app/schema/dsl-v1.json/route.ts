// Serves the DSL's JSON Schema at /schema/dsl-v1.json (the $id inside it) for editors and importers.
import { dslJsonSchema } from '@/engine/dsl/index.ts';

export const dynamic = 'force-static';

export function GET(): Response {
  return Response.json(dslJsonSchema(), {
    headers: { 'cache-control': 'public, max-age=3600', 'access-control-allow-origin': '*' },
  });
}
