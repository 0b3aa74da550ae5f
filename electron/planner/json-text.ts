import { findDuplicateKey } from './json-duplicate-keys';

/**
 * Parses JSON text and, when it is not JSON, says where: line and column
 * (1-based) computed from the offset the engine reports. A key repeated in
 * one object is refused too (JSON.parse would keep the last one silently).
 */
export type JsonTextResult = { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number };

export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function parseJsonText(text: string): JsonTextResult {
  // A UTF-8 byte order mark is not part of the document.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const raw = err instanceof Error ? err.message : String(err);
    const detail = raw.replace(/\s*in JSON at position \d+.*$/s, '').replace(/\s*\(line \d+ column \d+\)$/, '');
    const lc = /line (\d+) column (\d+)/.exec(raw);
    if (lc) return { ok: false, message: detail, line: Number(lc[1]), column: Number(lc[2]) };
    const pos = /at position (\d+)/.exec(raw);
    if (pos) return { ok: false, message: detail, ...lineColumnAt(body, Number(pos[1])) };
    if (/Unexpected end of JSON input/.test(raw))
      return { ok: false, message: 'unexpected end of input', ...lineColumnAt(body, body.length) };
    return { ok: false, message: detail };
  }
  const duplicate = findDuplicateKey(body);
  if (duplicate) {
    const first = lineColumnAt(body, duplicate.firstOffset);
    return {
      ok: false,
      message: `duplicate key "${duplicate.key}" in ${duplicate.path} (first at line ${first.line}, column ${first.column}); each key may appear once`,
      ...lineColumnAt(body, duplicate.offset),
    };
  }
  return { ok: true, value };
}
