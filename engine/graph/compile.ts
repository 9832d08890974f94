/** graph -> DSL: structural checks on nodes and edges, then the DSL schema, errors mapped back to node + field. */
import {
  DSL_VERSION,
  MIGRATIONS,
  findLazyCycle,
  parseDsl,
  parsePointer,
  pointer,
  toDslErrors,
  type BlockType,
  type DslDocument,
  type ReEntry,
} from '../dsl/index.ts';
import {
  GraphDocumentSchema,
  isWellFormedGraph,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
} from './document.ts';
import {
  LAZY_LEG_HANDLE,
  NODE_TYPES,
  OUT_HANDLE,
  edgeFields,
  inputOf,
  isBlockType,
} from './registry.ts';

const EDGE_FIELDS = Object.fromEntries(
  Object.keys(NODE_TYPES).map((t) => [t, edgeFields(t as BlockType)]),
) as Record<BlockType, string[]>;

/** An error on the canvas: the node (and its field) or edge to highlight, and the DSL/graph path. */
export type GraphError = {
  nodeId?: string;
  edgeId?: string;
  field?: string;
  path: string;
  message: string;
};
export type CompileResult = { ok: true; value: DslDocument } | { ok: false; errors: GraphError[] };

type Node = GraphNode & { type: BlockType };

/** Order of list children on the canvas: top to bottom, then left to right, then id. */
export function canvasOrder(a: GraphNode, b: GraphNode): number {
  return (
    a.position.y - b.position.y ||
    a.position.x - b.position.x ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function liftNode(node: GraphNode, errors: GraphError[]): Record<string, unknown> | null {
  const type = node.type as BlockType;
  const current = NODE_TYPES[type].typeVersion;
  if (node.typeVersion > current) {
    errors.push({
      nodeId: node.id,
      field: 'typeVersion',
      path: '',
      message: `${type} block typeVersion ${node.typeVersion} is newer than this Strikeflow understands (${current}); upgrade Strikeflow`,
    });
    return null;
  }
  let block: Record<string, unknown> = { ...node.data, typeVersion: node.typeVersion };
  for (let v = node.typeVersion; v < current; v++) {
    const step = MIGRATIONS.blocks[type]?.[v];
    if (!step) {
      errors.push({
        nodeId: node.id,
        field: 'typeVersion',
        path: '',
        message: `no migration for ${type} block from typeVersion ${v}`,
      });
      return null;
    }
    block = { ...step(block), typeVersion: v + 1 };
  }
  return block;
}

/**
 * A saved graph with every node lifted to its block's current typeVersion, so the editor shows
 * an old strategy in today's fields (a leg's `kind: CE` as instrument option, right CE). A node
 * that cannot be lifted is kept as it is, and compile names what is wrong with it.
 */
export function liftGraph(doc: GraphDocument): GraphDocument {
  let changed = false;
  const nodes = doc.nodes.map((n) => {
    const type = n.type as BlockType;
    if (!(type in NODE_TYPES) || n.typeVersion >= NODE_TYPES[type].typeVersion) return n;
    const lifted = liftNode(n, []);
    if (!lifted) return n;
    const { typeVersion, ...data } = lifted;
    changed = true;
    return { ...n, typeVersion: typeVersion as number, data };
  });
  return changed ? { ...doc, nodes } : doc;
}

export function compile(input: unknown): CompileResult {
  if (isWellFormedGraph(input)) return compileGraph(input);
  const parsed = GraphDocumentSchema.safeParse(input);
  if (!parsed.success) {
    const errors = toDslErrors(parsed.error.issues, input).map((e): GraphError => {
      const [kind, idx] = parsePointer(e.path);
      const list =
        kind === 'nodes' || kind === 'edges'
          ? (input as Record<string, unknown[]>)[kind]
          : undefined;
      const item = Array.isArray(list)
        ? (list[Number(idx)] as { id?: unknown } | undefined)
        : undefined;
      const id = item && typeof item.id === 'string' ? item.id : undefined;
      return {
        ...(id ? (kind === 'nodes' ? { nodeId: id } : { edgeId: id }) : {}),
        path: e.path,
        message: e.message,
      };
    });
    return { ok: false, errors };
  }
  return compileGraph(parsed.data);
}

function compileGraph(graph: GraphDocument): CompileResult {
  const errors: GraphError[] = [];
  const nodes = new Map<string, Node>();
  for (let i = 0; i < graph.nodes.length; i++) {
    const n = graph.nodes[i];
    const path = `/nodes/${i}`;
    if (nodes.has(n.id))
      errors.push({ nodeId: n.id, field: 'id', path, message: `node id "${n.id}" is used twice` });
    else if (!isBlockType(n.type))
      errors.push({
        nodeId: n.id,
        field: 'type',
        path,
        message: `unknown node type "${n.type}"; known: ${Object.keys(NODE_TYPES).join(', ')}`,
      });
    else {
      nodes.set(n.id, n as Node);
      if ('typeVersion' in n.data)
        errors.push({
          nodeId: n.id,
          field: 'typeVersion',
          path,
          message: 'typeVersion belongs on the node, not in its data',
        });
      for (const f of EDGE_FIELDS[n.type]) {
        if (f in n.data)
          errors.push({
            nodeId: n.id,
            field: f,
            path,
            message: `"${f}" comes from an edge into the ${f} handle, not from node data`,
          });
      }
    }
  }

  // children[targetId][handle] = source nodes; parent[sourceId] = the tree edge into its parent.
  const children = new Map<string, Map<string, Node[]>>();
  const parent = new Map<string, GraphEdge>();
  const lazyLink = new Map<string, Node>();
  const seenEdges = new Set<string>();
  /** The problem with one edge, or null once it is recorded. */
  const connect = (e: GraphEdge): { message: string; nodeId?: string; field?: string } | null => {
    if (seenEdges.has(e.id)) return { message: `edge id "${e.id}" is used twice` };
    seenEdges.add(e.id);
    const source = nodes.get(e.source);
    const target = nodes.get(e.target);
    if (!source) return { message: `edge source "${e.source}" is not a node` };
    if (!target) return { message: `edge target "${e.target}" is not a node` };
    if (e.source === e.target)
      return { message: 'an edge cannot connect a node to itself', nodeId: e.source };
    if (e.sourceHandle !== OUT_HANDLE || !NODE_TYPES[source.type].hasOutput)
      return {
        message: `edges start at a block's "${OUT_HANDLE}" handle (the basket has none)`,
        nodeId: source.id,
      };
    const input = inputOf(target.type, e.targetHandle);
    if (!input) {
      const handles = NODE_TYPES[target.type].inputs.map((x) => x.handle);
      return {
        message: `${target.type} has no input "${e.targetHandle}"${handles.length ? `; its inputs: ${handles.join(', ')}` : ''}`,
        nodeId: target.id,
        field: e.targetHandle,
      };
    }
    if (!input.accepts.includes(source.type))
      return {
        message: `the ${e.targetHandle} input of ${target.type} takes ${input.accepts.join(' or ')}, not ${source.type}`,
        nodeId: target.id,
        field: e.targetHandle,
      };
    if (input.link) {
      if (lazyLink.has(target.id))
        return {
          message: 'a lazy re-entry opens exactly one leg; remove the extra link',
          nodeId: target.id,
          field: input.handle,
        };
      lazyLink.set(target.id, source);
      return null;
    }
    if (parent.has(source.id))
      return {
        message: `node "${source.id}" already feeds "${parent.get(source.id)!.target}"; a block has one parent`,
        nodeId: source.id,
      };
    // Recorded as the parent even when refused below, so the extra block is not also reported as unconnected.
    parent.set(source.id, e);
    let byHandle = children.get(target.id);
    if (!byHandle) children.set(target.id, (byHandle = new Map<string, Node[]>()));
    const list = byHandle.get(input.handle);
    if (list && !input.many)
      return {
        message: `the ${input.handle} input of ${target.type} takes one block; remove the extra edge`,
        nodeId: target.id,
        field: input.handle,
      };
    if (list) list.push(source);
    else byHandle.set(input.handle, [source]);
    return null;
  };
  for (let i = 0; i < graph.edges.length; i++) {
    const problem = connect(graph.edges[i]);
    if (problem) errors.push({ edgeId: graph.edges[i].id, path: `/edges/${i}`, ...problem });
  }

  const roots = [...nodes.values()].filter((n) => n.type === 'basket');
  if (roots.length === 0)
    errors.push({
      path: '/nodes',
      message: 'the graph has no basket node; add one and connect strategies to it',
    });
  if (roots.length > 1)
    for (const r of roots.slice(1))
      errors.push({
        nodeId: r.id,
        path: '/nodes',
        message: 'a graph has exactly one basket; remove this one',
      });
  for (const n of nodes.values()) {
    if (n.type !== 'basket' && !parent.has(n.id))
      errors.push({
        nodeId: n.id,
        path: '/edges',
        message: `${NODE_TYPES[n.type].label} "${n.id}" is not connected; connect its out handle to a parent block`,
      });
  }
  if (errors.length || roots.length !== 1) return { ok: false, errors };

  // Walk from the basket; a node never reached sits on a cycle of parent edges.
  const reached = new Set<string>();
  const nodeAt = new Map<string, string>();
  // `at` is the block's JSON Pointer in the DSL, built incrementally (field names need no escaping).
  const build = (node: Node, at: string): Record<string, unknown> | null => {
    reached.add(node.id);
    nodeAt.set(at, node.id);
    const block = liftNode(node, errors);
    if (!block) return null;
    const byHandle = children.get(node.id);
    for (const input of NODE_TYPES[node.type].inputs) {
      if (input.link) continue;
      const list = byHandle?.get(input.handle);
      if (!list) {
        if (input.many) block[input.handle] = [];
        continue;
      }
      if (input.many) {
        const sorted = list.length > 1 ? [...list].sort(canvasOrder) : list;
        block[input.handle] = sorted.map((c, i) => build(c, `${at}/${input.handle}/${i}`));
      } else {
        block[input.handle] = build(list[0], `${at}/${input.handle}`);
      }
    }
    if (node.type === 'reEntry') {
      const target = lazyLink.get(node.id);
      if (block.type === 'lazy') {
        if (!target)
          errors.push({
            nodeId: node.id,
            field: LAZY_LEG_HANDLE.handle,
            path: at,
            message:
              "a lazy re-entry opens a leg: connect the lazy leg's out handle to this block's leg input",
          });
        else block.leg = target.data.id;
      } else if (target) {
        errors.push({
          nodeId: node.id,
          field: LAZY_LEG_HANDLE.handle,
          path: at,
          message: `only a lazy re-entry links a leg; this one is "${String(block.type)}"`,
        });
      }
    }
    return block;
  };
  const basket = build(roots[0], '/basket');
  for (const n of nodes.values()) {
    if (!reached.has(n.id))
      errors.push({
        nodeId: n.id,
        path: '/edges',
        message: `"${n.id}" is on a cycle of edges and never reaches the basket`,
      });
  }
  if (errors.length) return { ok: false, errors };

  for (const lazyErr of lazyCycles(basket as Record<string, unknown>, nodeAt)) errors.push(lazyErr);
  if (errors.length) return { ok: false, errors };

  const dsl = parseDsl({ dslVersion: DSL_VERSION, basket });
  if (dsl.ok) return dsl;
  return { ok: false, errors: dsl.errors.map((e) => locate(e.path, e.message, nodeAt)) };
}

/** Lazy-leg links must not form a cycle (A opens B opens A): checked per strategy on the built blocks. */
function lazyCycles(basket: Record<string, unknown>, nodeAt: Map<string, string>): GraphError[] {
  const out: GraphError[] = [];
  const strategies = Array.isArray(basket.strategies)
    ? (basket.strategies as Record<string, unknown>[])
    : [];
  strategies.forEach((s, si) => {
    const legs = (Array.isArray(s?.legs) ? s.legs : []) as {
      id: string;
      reEntryOnStopLoss?: ReEntry;
      reEntryOnTarget?: ReEntry;
    }[];
    const cycle = findLazyCycle(legs.filter((l) => l && typeof l.id === 'string'));
    if (!cycle) return;
    const li = legs.findIndex((l) => l.id === cycle[0]);
    out.push({
      ...locate(
        pointer(['basket', 'strategies', si, 'legs', li]),
        `lazy legs form a cycle: ${[...cycle, cycle[0]].join(' -> ')}; a lazy leg cannot (indirectly) open the leg that opened it`,
        nodeAt,
      ),
    });
  });
  return out;
}

function locate(path: string, message: string, nodeAt: Map<string, string>): GraphError {
  const parts = parsePointer(path);
  for (let n = parts.length; n >= 0; n--) {
    const id = nodeAt.get(pointer(parts.slice(0, n)));
    if (id !== undefined) {
      const field = parts.slice(n).join('.');
      return { nodeId: id, ...(field ? { field } : {}), path, message };
    }
  }
  return { path, message };
}
