import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PlanPath } from './recovery-plan-path';

export interface PlanPosition {
  line: number;
  column: number;
}

/**
 * Where a field of the plan file is written: the line and column of its value
 * (or of its key, for an unknown key), else of the nearest enclosing field
 * that exists (a missing field is reported where it belongs).
 */
export class PlanLocator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: PlanPath, part: 'key' | 'value' = 'value'): PlanPosition {
    let node: Node | null = (this.doc.contents as Node | null) ?? null;
    let offset = node?.range?.[0] ?? 0;
    for (const [i, seg] of path.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
        if (!pair) break;
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        const keyOffset = key?.range?.[0] ?? offset;
        offset = part === 'key' && i === path.length - 1 ? keyOffset : (value?.range?.[0] ?? keyOffset);
        node = value;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg] as Node | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}
