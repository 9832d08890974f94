// The inspector form of a node edits exactly the fields of its data: no typeVersion, no edge-fed children.
import { describe, expect, it } from 'vitest';
import { BLOCK_TYPES } from '../dsl/index.ts';
import { nodeDataJsonSchema } from './index.ts';

describe('nodeDataJsonSchema', () => {
  it('a leg edits instrument, right, side, lots, expiry, lazy, hedge; its strike and stop-loss come from edges', () => {
    const s = nodeDataJsonSchema('leg') as {
      properties: Record<string, unknown>;
      required: string[];
      title: string;
    };
    expect(Object.keys(s.properties).sort()).toEqual([
      'expiry',
      'hedge',
      'id',
      'instrument',
      'lazy',
      'lots',
      'right',
      'side',
    ]);
    expect(s.required.sort()).toEqual(['expiry', 'id', 'lots', 'side']);
    expect(s.title).toBe('Leg');
  });

  it('a strike selector offers every selector type, each without typeVersion', () => {
    const s = nodeDataJsonSchema('strike') as {
      oneOf?: { properties: Record<string, unknown> }[];
      anyOf?: { properties: Record<string, unknown> }[];
    };
    const branches = s.oneOf ?? s.anyOf ?? [];
    expect(branches.length).toBe(13);
    for (const b of branches) expect(b.properties).not.toHaveProperty('typeVersion');
  });

  it('exists for every block type', () => {
    for (const t of BLOCK_TYPES) expect(nodeDataJsonSchema(t)).toHaveProperty('title');
  });
});
