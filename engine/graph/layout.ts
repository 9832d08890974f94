/** Deterministic automatic layout for decompiled graphs: children left of their parent, lists top to bottom. */
export const COLUMN_WIDTH = 320;
export const ROW_HEIGHT = 120;

export type LayoutTree = { id: string; children: LayoutTree[] };

/**
 * Leaves take consecutive rows in depth-first order; a parent sits level with the middle of its
 * children; the root is in the rightmost column. Siblings therefore have strictly increasing y,
 * which is the canvas order the compiler reads lists in.
 */
export function layoutTree(root: LayoutTree): Map<string, { x: number; y: number }> {
  const depthOf = (t: LayoutTree): number => 1 + Math.max(0, ...t.children.map(depthOf));
  const columns = depthOf(root);
  const out = new Map<string, { x: number; y: number }>();
  let row = 0;
  const place = (t: LayoutTree, depth: number): number => {
    let y: number;
    if (t.children.length === 0) {
      y = row * ROW_HEIGHT;
      row += 1;
    } else {
      const ys = t.children.map((c) => place(c, depth + 1));
      y = (ys[0] + ys[ys.length - 1]) / 2;
    }
    out.set(t.id, { x: (columns - 1 - depth) * COLUMN_WIDTH, y });
    return y;
  };
  place(root, 0);
  return out;
}
