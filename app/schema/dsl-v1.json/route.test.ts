// GET /schema/dsl-v1.json serves the generated JSON Schema, the same document `cli schema` prints.
import { describe, expect, it } from 'vitest';
import { dslJsonSchema } from '@/engine/dsl/index.ts';
import { GET } from './route.ts';

describe('GET /schema/dsl-v1.json', () => {
  it('serves the DSL JSON Schema as JSON', async () => {
    const res = GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = await res.json();
    expect(body).toEqual(dslJsonSchema());
    expect(body.$id).toBe('https://strikeflow.dev/schema/dsl-v1.json');
  });
});
