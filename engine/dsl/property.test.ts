// Property tests: generated documents validate, junk and mutations never make validation throw, and
// compile(decompile(dsl)) gives back the same DSL.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GraphDocumentSchema, compile, decompile, isWellFormedGraph } from '../graph/index.ts';
import { parseDsl, parseDslText, type DslError } from './index.ts';
import { documentArb } from '@/tests/support/dsl/arbitraries';
import type { MutableJson } from '@/tests/support/dsl/fixtures';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 200);

function wellFormed(errors: DslError[]) {
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    expect(typeof e.path).toBe('string');
    expect(e.path === '' || e.path.startsWith('/')).toBe(true);
    expect(e.message.length).toBeGreaterThan(0);
    expect(e.message).not.toMatch(/unexpectedly/);
  }
}

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'unknownKey'; at: number; key: string }
  | { kind: 'duplicate'; at: number };

/** Every object/array in the document with its path, depth first. */
function containers(doc: unknown): { node: MutableJson; path: (string | number)[] }[] {
  const out: { node: MutableJson; path: (string | number)[] }[] = [];
  const visit = (v: unknown, path: (string | number)[]) => {
    if (v === null || typeof v !== 'object') return;
    out.push({ node: v, path });
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
  };
  visit(doc, []);
  return out;
}

function mutate(doc: MutableJson, m: Mutation): { doc: MutableJson; unknownKeyPath?: string } {
  const copy = structuredClone(doc);
  const all = containers(copy);
  const { node, path } = all[m.at % all.length];
  const keys = Array.isArray(node) ? node.map((_: unknown, i: number) => i) : Object.keys(node);
  if (m.kind === 'unknownKey' && !Array.isArray(node)) {
    const key = `x_${m.key}`;
    node[key] = 1;
    // event.params is the one free-form object in the DSL (any keys are allowed there).
    const freeForm = path[path.length - 1] === 'params' && path[path.length - 2] === 'event';
    return { doc: copy, unknownKeyPath: freeForm ? undefined : '/' + [...path, key].join('/') };
  }
  if (keys.length === 0) return { doc: copy };
  const k = keys[m.at % keys.length];
  if (m.kind === 'delete') {
    if (Array.isArray(node)) node.splice(k as number, 1);
    else delete node[k];
  } else if (m.kind === 'set') node[k] = m.value;
  else if (m.kind === 'duplicate' && Array.isArray(node))
    node.push(structuredClone(node[k as number]));
  return { doc: copy };
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.jsonValue({ maxDepth: 3 }),
  }),
  fc.record({
    kind: fc.constant('unknownKey' as const),
    at: fc.nat(),
    key: fc.stringMatching(/^[a-z]{1,8}$/),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

// Generous timeout: the machine is shared, and fast-check runs hundreds of documents per property.
describe('properties', { timeout: 300_000 }, () => {
  it('generated documents are valid', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const r = parseDsl(doc);
        if (!r.ok) throw new Error(JSON.stringify(r.errors) + '\n' + JSON.stringify(doc));
      }),
      { numRuns: RUNS },
    );
  });

  it('compile(decompile(dsl)) deep-equals dsl', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        const r = parseDsl(doc);
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        expect(compile(decompile(r.value))).toEqual({ ok: true, value: r.value });
        // Parsing is idempotent: the output of parseDsl is itself a valid document equal to itself.
        expect(parseDsl(r.value)).toEqual({ ok: true, value: r.value });
      }),
      { numRuns: RUNS },
    );
  });

  it('validation never throws on mutated documents, and an added unknown key is reported at its path', () => {
    fc.assert(
      fc.property(documentArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (doc, ms) => {
        let cur = doc;
        let unknownKeyPath: string | undefined;
        for (const m of ms) {
          const next = mutate(cur, m);
          cur = next.doc;
          unknownKeyPath = next.unknownKeyPath ?? unknownKeyPath;
        }
        const r = parseDsl(cur);
        if (!r.ok) wellFormed(r.errors);
        if (ms.length === 1 && unknownKeyPath) {
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.errors.map((e) => e.path)).toContain(unknownKeyPath);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('validation never throws on arbitrary JSON or arbitrary text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const r = parseDsl(v);
        expect(r.ok).toBe(false);
        if (!r.ok) wellFormed(r.errors);
      }),
      { numRuns: RUNS },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = parseDslText(text);
        if (!r.ok) wellFormed(r.errors);
      }),
      { numRuns: RUNS },
    );
  });

  it('compile never throws on mutated graphs', () => {
    fc.assert(
      fc.property(documentArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (doc, ms) => {
        const r = parseDsl(doc);
        if (!r.ok) throw new Error(JSON.stringify(r.errors));
        let g: MutableJson = decompile(r.value);
        for (const m of ms) g = mutate(g, m).doc;
        // The fast well-formedness check never accepts what the zod schema refuses.
        if (isWellFormedGraph(g)) expect(GraphDocumentSchema.safeParse(g).success).toBe(true);
        const c = compile(g);
        if (!c.ok) {
          expect(c.errors.length).toBeGreaterThan(0);
          // Every error the canvas highlights points at a node or edge that is on the canvas.
          const nodeIds = new Set(
            Array.isArray(g?.nodes) ? g.nodes.map((n: MutableJson) => n?.id) : [],
          );
          const edgeIds = new Set(
            Array.isArray(g?.edges) ? g.edges.map((e: MutableJson) => e?.id) : [],
          );
          for (const e of c.errors) {
            expect(e.message).not.toMatch(/unexpectedly/);
            if (e.nodeId !== undefined) expect(nodeIds.has(e.nodeId)).toBe(true);
            if (e.edgeId !== undefined) expect(edgeIds.has(e.edgeId)).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
