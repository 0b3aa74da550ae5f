import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { parseJsonText } from '../../../electron/planner/json-text';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'lifeboat-dupkeys-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function plan(content: string): Promise<{ code: number; stderr: string }> {
  const file = path.join(tmp, 'scenario.json');
  writeFileSync(file, content);
  let stderr = '';
  const code = await runCli(['plan', '--scenario', file], {
    stdout: () => undefined,
    stderr: (t) => void (stderr += t),
    interactive: false,
  });
  return { code, stderr };
}

/** Issue 11 "also seen": a key given twice in a scenario was accepted silently (the last one won). */
describe('scenario JSON with a duplicate key', () => {
  it('is refused with exit 2, naming the key, the object and both places', async () => {
    const r = await plan(
      '{\n  "restorePoint": { "disks": [{ "key": 2000, "capacityBytes": 1073741824 }] },\n' +
        '  "options": {\n    "transport": "san",\n    "transport": "nbd"\n  }\n}\n',
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at line 5, column 5: duplicate key "transport" in options \(first at line 4, column 5\)/);
  });

  it('names the path inside arrays, and the top level', () => {
    const nested = parseJsonText('{"restorePoint":{"disks":[{"key":2000},{"key":2001,"key":2002}]}}');
    expect(nested).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^duplicate key "key" in restorePoint\.disks\[1\]/),
    });
    const top = parseJsonText('{"options":{},"options":{}}');
    expect(top).toMatchObject({ ok: false, message: expect.stringMatching(/^duplicate key "options" in \(top level\)/) });
    // The same key in different objects, escaped quotes and braces inside strings are fine.
    expect(parseJsonText('{"a":{"k":1},"b":{"k":"}\\"{"},"c":[{"k":1},{"k":2}]}')).toMatchObject({ ok: true });
  });
});
