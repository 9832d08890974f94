/**
 * What the builder knows about blocks, all derived from the engine: each block's JSON Schema comes
 * from its zod schema, its handles from the engine's graph registry, validation from the engine's
 * compiler. Only trader-facing words (labels, groups, one-line descriptions) are written here.
 */
import { z } from 'zod';
import {
  BLOCK_CHILDREN,
  BLOCK_SCHEMAS,
  BLOCK_TYPE_VERSIONS,
  parsePointer,
  toDslErrors,
  type BlockType,
} from '@/engine/dsl';
import {
  deltaHedgeParts,
  describeBlock,
  describeExpiry,
  describeLevel,
  describeReEntry,
  describeRule,
  describeSchedule,
  describeStrike,
  describeTrailingStop,
} from '@/engine/dsl/describe';
import {
  compile,
  GRAPH_VERSION,
  GraphDocumentSchema,
  liftGraph,
  inputOf,
  isBlockType,
  isValidConnection,
  NODE_TYPES,
  OUT_HANDLE,
  readStrategyFile,
  type InputHandle,
} from '@/engine/graph';
import { humanize, initialValue, type JsonSchema } from './form/field-model';
import type { GraphDoc, GraphEdge } from './graph-types';
import { estimateSize, tidyLayout, type Size } from './layout';

export type PaletteGroup =
  'structure' | 'strike' | 'risk' | 're-entry' | 'entry' | 'conditions' | 'sizing';
export const PALETTE_GROUPS: PaletteGroup[] = [
  'structure',
  'strike',
  'risk',
  're-entry',
  'entry',
  'conditions',
  'sizing',
];

export const GROUP_STYLE: Record<PaletteGroup, { title: string; header: string; chip: string }> = {
  structure: { title: 'Structure', header: 'bg-sky-900', chip: 'bg-sky-950/40' },
  strike: { title: 'Strike', header: 'bg-violet-900', chip: 'bg-violet-950/40' },
  risk: { title: 'Risk', header: 'bg-rose-900', chip: 'bg-rose-950/40' },
  're-entry': { title: 'Re-entry', header: 'bg-amber-900', chip: 'bg-amber-950/40' },
  entry: { title: 'Entry', header: 'bg-emerald-900', chip: 'bg-emerald-950/40' },
  conditions: { title: 'Conditions', header: 'bg-teal-900', chip: 'bg-teal-950/40' },
  sizing: { title: 'Sizing', header: 'bg-zinc-700', chip: 'bg-zinc-800/60' },
};

const WORDS: Record<
  BlockType,
  { label: string; group: PaletteGroup; description: string; idPrefix: string }
> = {
  basket: {
    label: 'Basket',
    group: 'structure',
    description: 'Holds strategies; capital, daily loss and drawdown limits.',
    idPrefix: 'basket',
  },
  execution: {
    label: 'Execution',
    group: 'structure',
    description: 'Trigger on LTP or candle close, slippage and costs.',
    idPrefix: 'execution',
  },
  strategy: {
    label: 'Strategy',
    group: 'structure',
    description: 'Underlying, entry and exit times, legs and overall risk.',
    idPrefix: 'strategy',
  },
  leg: {
    label: 'Leg',
    group: 'structure',
    description: 'One option (CE/PE) or futures position: side, lots, expiry.',
    idPrefix: 'leg',
  },
  strike: {
    label: 'Strike selector',
    group: 'strike',
    description: 'How the leg picks its strike: ATM, OTM n, premium, delta…',
    idPrefix: 'strike',
  },
  stopLoss: {
    label: 'Stop-loss',
    group: 'risk',
    description: "A leg's stop-loss: points, %, underlying move or premium.",
    idPrefix: 'sl',
  },
  target: {
    label: 'Target',
    group: 'risk',
    description: "A leg's profit target.",
    idPrefix: 'target',
  },
  trailingStop: {
    label: 'Trailing stop',
    group: 'risk',
    description: "For every X in favour, move the leg's stop by Y.",
    idPrefix: 'trail',
  },
  strategyStopLoss: {
    label: 'Overall stop-loss',
    group: 'risk',
    description: 'Exit the strategy at an MTM loss or % of premium.',
    idPrefix: 'osl',
  },
  strategyTarget: {
    label: 'Overall target',
    group: 'risk',
    description: 'Exit the strategy at an MTM profit or % of premium.',
    idPrefix: 'otarget',
  },
  lock: {
    label: 'Lock profit',
    group: 'risk',
    description: 'Once MTM reaches a profit, exit if it falls back to a locked amount.',
    idPrefix: 'lock',
  },
  lockAndTrail: {
    label: 'Lock and trail',
    group: 'risk',
    description: 'Lock a profit, then raise it as MTM grows.',
    idPrefix: 'locktrail',
  },
  strategyTrailingStop: {
    label: 'Overall trailing stop',
    group: 'risk',
    description: 'Move the overall stop-loss as MTM moves in favour.',
    idPrefix: 'otrail',
  },
  trailToBreakEven: {
    label: 'Trail to break-even',
    group: 'risk',
    description: "When a leg's stop-loss hits, move the other stops to entry.",
    idPrefix: 'breakeven',
  },
  reEntry: {
    label: 'Leg re-entry',
    group: 're-entry',
    description: 'After a stop-loss or target: ASAP, reverse, momentum, cost or lazy leg.',
    idPrefix: 'reentry',
  },
  strategyReEntry: {
    label: 'Strategy re-entry',
    group: 're-entry',
    description: 'Re-enter the whole strategy after its overall stop-loss or target.',
    idPrefix: 'sreentry',
  },
  momentum: {
    label: 'Momentum',
    group: 'entry',
    description: 'Wait for a move in points or % before entering.',
    idPrefix: 'momentum',
  },
  rangeBreakout: {
    label: 'Range breakout',
    group: 'entry',
    description: 'Enter when price breaks the high or low of a time range.',
    idPrefix: 'range',
  },
  conditions: {
    label: 'Conditions',
    group: 'conditions',
    description: 'Entry, exit and filter rules on VIX, IV rank, spot move, time…',
    idPrefix: 'conditions',
  },
  sizing: {
    label: 'Sizing',
    group: 'sizing',
    description: 'Fixed lots, % of capital, risk per trade or fractional Kelly.',
    idPrefix: 'sizing',
  },
  deltaHedge: {
    label: 'Delta hedge',
    group: 'risk',
    description: "Trade futures to keep the strategy's net delta inside a band or on a timer.",
    idPrefix: 'hedge',
  },
};

export type HandleSpec = {
  id: string;
  kind: 'source' | 'target';
  label: string;
  /** In words, what this handle connects to ("a Strike selector"). */
  accepts: string;
};

export type BlockSpec = {
  type: BlockType;
  typeVersion: number;
  label: string;
  group: PaletteGroup;
  description: string;
  idPrefix: string;
  schema: JsonSchema;
  /** Fields drawn as edges on the canvas, not edited in the inspector. */
  skip: ReadonlySet<string>;
  handles: HandleSpec[];
};

export type Problem = { nodeId: string | null; path: string; field: string; message: string };
export type Compiled = { dsl: Record<string, unknown> | null; problems: Problem[] };

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function inputsOf(type: BlockType): readonly InputHandle[] {
  return NODE_TYPES[type].inputs;
}

const specs = new Map<string, BlockSpec>();
for (const type of Object.keys(BLOCK_SCHEMAS) as BlockType[]) {
  const words = WORDS[type];
  const inputs = inputsOf(type);
  const childFields = new Set(BLOCK_CHILDREN[type].map((c) => c.field));
  for (const i of inputs) childFields.add(i.handle);
  const handles: HandleSpec[] = inputs.map((i) => ({
    id: i.handle,
    kind: 'target',
    label: humanize(i.handle),
    accepts: `${i.many ? 'any number of' : 'one'} ${i.accepts.map((a) => WORDS[a].label).join(' or ')}${i.many ? ' blocks' : ''}`,
  }));
  const parents = (Object.keys(BLOCK_SCHEMAS) as BlockType[]).filter((p) =>
    inputsOf(p).some((i) => i.accepts.includes(type)),
  );
  if (NODE_TYPES[type].hasOutput) {
    handles.push({
      id: 'out',
      kind: 'source',
      label: 'Out',
      accepts: parents.map((p) => `a ${WORDS[p].label}`).join(' or '),
    });
  }
  specs.set(type, {
    type,
    typeVersion: BLOCK_TYPE_VERSIONS[type],
    ...words,
    schema: jsonSchemaOf(BLOCK_SCHEMAS[type]),
    skip: new Set([...childFields, 'typeVersion']),
    handles,
  });
}

export const BLOCKS: BlockSpec[] = [...specs.values()];

export function blockSpec(type: string): BlockSpec | undefined {
  return specs.get(type);
}

/**
 * What a trader would type first: a dropped stop-loss starts at 30 % of premium, not at the
 * schema's first choice ("1 point"); a leg is a 1-lot weekly short call until edited. Only the
 * builder's starting values: the DSL's own defaults stay as they are.
 */
export const BLOCK_DEFAULTS: Partial<Record<BlockType, Record<string, unknown>>> = {
  leg: {
    instrument: 'option',
    right: 'CE',
    side: 'SELL',
    lots: 1,
    expiry: { kind: 'weekly', offset: 0 },
  },
  strike: { type: 'atm', atmFrom: 'spot' },
  stopLoss: { type: 'pct', value: 30 },
  target: { type: 'pct', value: 50 },
  trailingStop: { unit: 'pct', every: 10, by: 5 },
  reEntry: { type: 'asap', count: 1 },
  momentum: { type: 'pct', direction: 'down', value: 10 },
  strategyStopLoss: { type: 'premiumPct', value: 50 },
  strategyTarget: { type: 'premiumPct', value: 80 },
  strategyReEntry: { type: 'asap', count: 1 },
  strategyTrailingStop: { every: 10, by: 5 },
  conditions: { filters: [], entry: [], exit: [] },
  deltaHedge: { band: 50, expiry: { kind: 'monthly', offset: 0 } },
};

/** A fresh block's data: the builder's starting values, else the schema's defaults and first choices; the DSL id matches the node id. */
export function newBlockData(type: string, nodeId: string): Record<string, unknown> {
  const spec = specs.get(type);
  if (!spec) throw new Error(`unknown block type "${type}"`);
  const v = initialValue(spec.schema, spec.schema);
  const data = {
    ...(v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}),
    ...structuredClone(BLOCK_DEFAULTS[type as BlockType] ?? {}),
  };
  for (const k of spec.skip) delete data[k];
  const props = spec.schema.properties ?? {};
  if ('id' in props) data.id = nodeId;
  if ('name' in props && typeof data.name !== 'string') data.name = spec.label;
  else if ('name' in props && data.name === '') data.name = spec.label;
  return data;
}

const SUMMARY_SKIP = new Set(['id', 'name', 'description', 'typeVersion']);

function show(v: unknown): string {
  if (Array.isArray(v)) return v.map(show).join(' ');
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>)
      .filter(([k]) => k !== 'typeVersion')
      .map(([, x]) => show(x))
      .join(' ');
  }
  return String(v);
}

/** Two or three short lines for the node body, in a trader's words, so a graph reads without opening the inspector. */
export function summarize(
  spec: BlockSpec,
  values: Record<string, unknown>,
  extra: { strike?: Record<string, unknown> } = {},
): string[] {
  const lines: string[] = [];
  if (typeof values.name === 'string' && values.name) lines.push(values.name);
  const v = values as Record<string, never>;
  switch (spec.type) {
    case 'leg': {
      const what =
        values.instrument === 'future'
          ? `${String(values.side ?? '?')} FUT`
          : `${String(values.side ?? '?')} ${extra.strike ? describeStrike(extra.strike) : '…'} ${String(values.right ?? '?')}`;
      lines.push(what);
      lines.push(
        `${String(values.lots ?? '?')} lot${values.lots === 1 ? '' : 's'} · ${describeExpiry(v.expiry)}${values.lazy ? ' · lazy' : ''}${values.hedge ? ' · hedge' : ''}`,
      );
      if (typeof values.id === 'string') lines.push(`id ${values.id}`);
      return lines;
    }
    case 'strike':
      return [describeStrike(values)];
    case 'stopLoss':
      return [`SL ${describeLevel(values)}`];
    case 'target':
      return [`Target ${describeLevel(values)}`];
    case 'trailingStop':
      return [describeTrailingStop(values)];
    case 'reEntry':
    case 'strategyReEntry':
      return [describeReEntry(values)];
    case 'strategy':
      lines.push(describeSchedule(values));
      return lines;
    case 'deltaHedge': {
      // Three short lines, so the block's body reads whole on the canvas.
      const p = deltaHedgeParts(values);
      return [p.what, p.when.join(' · ') || 'no band or interval yet', ...(p.limits.length ? [p.limits.join(' · ')] : [])]; // prettier-ignore
    }
    case 'conditions': {
      const out: string[] = [];
      for (const [group, word] of [
        ['filters', 'only if'],
        ['entry', 'enter when'],
        ['exit', 'exit when'],
      ] as const) {
        const rules = Array.isArray(values[group]) ? (values[group] as never[]) : [];
        for (const r of rules) out.push(`${word} ${describeRule(r)}`);
      }
      return out.length ? out.slice(0, 3) : ['No rules yet: add them in the inspector'];
    }
  }
  const words = describeBlock(spec.type, values);
  if (words) return [...lines, words];
  for (const [k, x] of Object.entries(values)) {
    if (SUMMARY_SKIP.has(k) || spec.skip.has(k) || x === undefined || x === '') continue;
    lines.push(`${humanize(k)}: ${show(x)}`);
    if (lines.length >= 3) break;
  }
  if (!lines.length) lines.push(spec.description);
  return lines;
}

/** A block's size before React Flow measures it, from what it will draw. */
export function estimateNodeSize(type: string, lines: number, problems: boolean): Size {
  const spec = specs.get(type);
  return estimateSize(
    spec?.handles.filter((h) => h.kind === 'target').length ?? 0,
    lines,
    problems,
  );
}

const NO_VIEWPORT = { x: 0, y: 0, zoom: 1 };

/** The engine's compiler, its errors shaped for the canvas (field as a dotted path for the inspector). */
export function compileDoc(doc: Pick<GraphDoc, 'nodes' | 'edges'>): Compiled {
  // A complete document (viewport included) takes the compiler's fast path for well-formed graphs.
  const r = compile({
    graphVersion: GRAPH_VERSION,
    nodes: doc.nodes,
    edges: doc.edges,
    viewport: NO_VIEWPORT,
  });
  if (r.ok) return { dsl: r.value as unknown as Record<string, unknown>, problems: [] };
  return {
    dsl: null,
    problems: r.errors.map((e) => ({
      nodeId: e.nodeId ?? null,
      path: e.path,
      field: e.field
        ? (e.field.startsWith('/') ? parsePointer(e.field) : e.field.split('.')).join('.')
        : '',
      message: e.message,
    })),
  };
}

/** Why an edge may not be drawn (null when it may): the registry's types, then one child per single input. */
export function connectionProblem(
  doc: Pick<GraphDoc, 'nodes' | 'edges'>,
  c: Omit<GraphEdge, 'id'>,
): string | null {
  if (c.source === c.target) return 'A block cannot connect to itself.';
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source || !target) return 'Both blocks must be on the canvas.';
  if (!isValidConnection(source.type, c.sourceHandle, target.type, c.targetHandle)) {
    const t = blockSpec(target.type);
    return `${blockSpec(source.type)?.label ?? source.type} does not go into ${t?.label ?? target.type}${c.targetHandle ? ` › ${humanize(c.targetHandle)}` : ''}.`;
  }
  const input = isBlockType(target.type) ? inputOf(target.type, c.targetHandle) : undefined;
  const taken = doc.edges.filter((e) => e.target === c.target && e.targetHandle === c.targetHandle);
  if (taken.some((e) => e.source === c.source)) return 'These blocks are already connected.';
  if (input && !input.many && taken.length)
    return `${humanize(c.targetHandle)} already has a block; disconnect it first.`;
  // A child belongs to one parent; only a lazy-leg link may point at a leg that already has one.
  if (!input?.link) {
    const parent = doc.edges.find(
      (e) => e.source === c.source && e.sourceHandle === OUT_HANDLE && !linkInput(doc, e),
    );
    if (parent)
      return `This ${blockSpec(source.type)?.label ?? source.type} is already connected to another block; disconnect it first.`;
  }
  return null;
}

function linkInput(doc: Pick<GraphDoc, 'nodes'>, e: GraphEdge): boolean {
  const t = doc.nodes.find((n) => n.id === e.target);
  return !!t && isBlockType(t.type) && !!inputOf(t.type, e.targetHandle)?.link;
}

export type Candidate = Omit<GraphEdge, 'id'> & { label: string };

/** Every edge the keyboard user could add at this handle, for the inspector's connect picker. */
export function connectionCandidates(
  doc: Pick<GraphDoc, 'nodes' | 'edges'>,
  nodeId: string,
  handleId: string,
): Candidate[] {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) return [];
  const out: Candidate[] = [];
  for (const other of doc.nodes) {
    if (other.id === nodeId) continue;
    if (handleId === OUT_HANDLE) {
      for (const h of blockSpec(other.type)?.handles ?? []) {
        if (h.kind !== 'target') continue;
        const c = {
          source: nodeId,
          sourceHandle: OUT_HANDLE,
          target: other.id,
          targetHandle: h.id,
        };
        if (!connectionProblem(doc, c)) out.push({ ...c, label: h.label });
      }
    } else {
      const c = {
        source: other.id,
        sourceHandle: OUT_HANDLE,
        target: nodeId,
        targetHandle: handleId,
      };
      if (!connectionProblem(doc, c)) out.push({ ...c, label: 'Out' });
    }
  }
  return out;
}

/**
 * Tidies any graph, complete or not: each tree of blocks (a basket and what feeds it, or a loose
 * group) laid out on its own, trees stacked top to bottom, every block at its real size so none
 * overlaps. Children keep their canvas order, so list order (legs, strategies) never changes.
 */
export function autoLayout(doc: GraphDoc, sizeOf?: (n: GraphNode) => Size): GraphDoc {
  return tidyLayout(
    doc,
    sizeOf ??
      ((n) =>
        estimateNodeSize(
          n.type,
          summarize(specs.get(n.type) ?? specs.get('leg')!, n.data).length,
          false,
        )),
  );
}

type GraphNode = GraphDoc['nodes'][number];

export type ReadResult =
  | { ok: true; kind: 'dsl' | 'graph'; doc: GraphDoc }
  | { ok: false; kind: 'dsl' | 'graph' | 'unknown'; errors: { path: string; message: string }[] };

/** A file the trader imports: a DSL document (validated, then laid out) or a graph document (checked). */
export function readJsonDocument(value: unknown): ReadResult {
  const r = readStrategyFile(value);
  return r.ok ? { ok: true, kind: r.kind, doc: r.doc } : r;
}

/** The saved graph as the editor's document, or what is wrong with it (path and message). */
export function readSavedGraph(
  value: unknown,
): { ok: true; doc: GraphDoc } | { ok: false; errors: { path: string; message: string }[] } {
  const parsed = GraphDocumentSchema.safeParse(value);
  return parsed.success
    ? { ok: true, doc: liftGraph(parsed.data) }
    : { ok: false, errors: toDslErrors(parsed.error.issues, value) };
}
