import { describe, expect, it } from 'vitest';
// @ts-expect-error the bench is plain JavaScript (an .mjs module without types)
import { BenchFailure, lastJson, mustSucceed } from '../../bench/bench-cli.mjs';

describe("the benches' CLI runs (test/bench/bench-cli.mjs)", () => {
  it('reads a whole JSON document, else the last line that is a whole object (restore streams progress first)', () => {
    expect(lastJson('{\n  "ok": true\n}\n')).toEqual({ ok: true });
    const streamed = ['{"event":"plan","n":1}', '{"event":"progress"}', '{"event":"result","ok":true}', '{"event":"par'].join('\n');
    expect(lastJson(streamed)).toEqual({ event: 'result', ok: true });
    expect(lastJson('no json here\n')).toBeUndefined();
  });

  it('fails a step that exited non-zero or printed no JSON with a BenchFailure naming the step and its output', () => {
    expect(() => mustSucceed('lifeboat import', { code: 3, stdout: '', stderr: 'no such file\n' })).toThrow(
      new BenchFailure('lifeboat import failed (exit 3):\nno such file'),
    );
    expect(() => mustSucceed('lifeboat export', { code: 0, stdout: 'done', stderr: '' })).toThrow(/lifeboat export printed no JSON/);
    expect(mustSucceed('lifeboat repo init', { code: 0, stdout: '{"ok":true}', stderr: '' })).toEqual({ ok: true });
  });
});
