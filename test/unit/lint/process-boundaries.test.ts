import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint keeps the process boundaries', () => {
  it('stops the renderer importing electron, Node or engine code', async () => {
    const found = await ruleIds(
      'renderer/src/probe.ts',
      [
        "import { app } from 'electron';",
        "import { readFileSync } from 'node:fs';",
        "import { join } from 'path';",
        "import { EventHub } from '../../electron/engine/event-hub';",
        "import { apiContract } from '../../electron/api/contract';",
        'export const all = [app, readFileSync, join, EventHub, apiContract];',
      ].join('\n'),
    );
    expect(found.filter((m) => m.includes('restricted')).length).toBe(5);
  });

  it('allows type-only imports of the contract in the renderer', async () => {
    const found = await ruleIds(
      'renderer/src/probe.ts',
      "import type { LifeboatApi } from '../../electron/api/contract';\nexport type A = LifeboatApi;\n",
    );
    expect(found).toEqual([]);
  });

  it('stops engine code importing electron, but not the shell', async () => {
    const code = "import { app } from 'electron';\nexport const a = app;\n";
    expect((await ruleIds('electron/engine/probe.ts', code)).join()).toMatch(/Only electron\/main.ts/);
    expect(await ruleIds('electron/main.ts', code)).toEqual([]);
  });
});
