/**
 * Finds the first object key that appears twice in the same object of a JSON
 * text. JSON.parse keeps the last one silently, so a scenario saying
 * `"transport": "san"` and later `"transport": "nbd"` would be planned with a
 * value the author may not have meant. The text must already be valid JSON.
 */
export interface DuplicateKey {
  key: string;
  /** Where the object is, e.g. `options` or `restorePoint.disks[1]` (`(top level)` for the root). */
  path: string;
  /** Offsets of the first and the repeated key (at their opening quote). */
  firstOffset: number;
  offset: number;
}

interface Frame {
  kind: 'object' | 'array';
  path: string;
  keys: Map<string, number>;
  index: number;
  /** The key whose value comes next (objects). */
  pendingKey?: string;
}

function childPath(frame: Frame | undefined): string {
  if (!frame) return '';
  if (frame.kind === 'array') return `${frame.path}[${frame.index}]`;
  const key = frame.pendingKey ?? '';
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  if (!frame.path) return plain ? key : `[${JSON.stringify(key)}]`;
  return plain ? `${frame.path}.${key}` : `${frame.path}[${JSON.stringify(key)}]`;
}

/** Scans a string token starting at the quote `at`; returns its value and the offset after it. */
function readString(text: string, at: number): { value: string; end: number } {
  let i = at + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return { value: JSON.parse(text.slice(at, i + 1)) as string, end: i + 1 };
}

export function findDuplicateKey(text: string): DuplicateKey | null {
  const stack: Frame[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length;) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push({ kind: c === '{' ? 'object' : 'array', path: childPath(top), keys: new Map(), index: 0 });
      expectingKey = c === '{';
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectingKey = false;
      i++;
    } else if (c === ',') {
      if (top?.kind === 'array') top.index++;
      expectingKey = top?.kind === 'object';
      i++;
    } else if (c === '"') {
      const { value, end } = readString(text, i);
      if (expectingKey && top?.kind === 'object') {
        const first = top.keys.get(value);
        if (first !== undefined) return { key: value, path: top.path || '(top level)', firstOffset: first, offset: i };
        top.keys.set(value, i);
        top.pendingKey = value;
        expectingKey = false;
      }
      i = end;
    } else {
      i++;
    }
  }
  return null;
}
