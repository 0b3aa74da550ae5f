import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error the lint config is plain ESM JavaScript without types
import { LAYERS, LAYER_FILE_EXCEPTIONS } from '../../../eslint.config.mjs';

const layers = LAYERS as Record<string, string[]>;
const exceptions = LAYER_FILE_EXCEPTIONS as Record<string, { allow: string[]; why: string }>;
const eslint = new ESLint({ cwd: process.cwd() });

async function layerMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'local/layer-imports').map((m) => m.message);
}

describe('layering: the table of allowed imports per engine folder', () => {
  it('refuses the crossings that existed (vddk → lab, the restore job → vsphere, restore-points → restore, repository → config)', async () => {
    const cases: Array<[string, string]> = [
      ['electron/vddk/vddk-setup.ts', "import { labStatePaths } from '../lab/lab-state';"],
      ['electron/restore/restore-job.ts', "import { listVms } from '../vsphere/inventory';"],
      ['electron/restore-points/demo-restore-point.ts', "import { copyDisk } from '../restore/disk-copier';"],
      ['electron/repository/repository.ts', "import { writeFileAtomic } from '../config/json-file';"],
      ['electron/lab/lab-state.ts', "import { ConnectionStore } from '../connections/connection-store';"],
      ['electron/planner/plan-restore.ts', "import type { VimSession } from '../vsphere/vim-session';"],
    ];
    for (const [file, code] of cases) {
      const found = await layerMessages(file, `${code}\nexport const probe = 1;\n`);
      expect(found, file).toEqual([expect.stringMatching(/may not import electron\//)]);
    }
  });

  it('allows a folder its row, a file its stated exception, and anything inside the folder', async () => {
    expect(await layerMessages('electron/restore/restore-job.ts', "import { planRestore } from '../planner/plan-restore';\nimport { x } from './restore-target';\nexport const a = [planRestore, x];\n")).toEqual([]);
    expect(await layerMessages('electron/restore/vsphere-restore-target.ts', "import { listVms } from '../vsphere/inventory';\nexport const a = listVms;\n")).toEqual([]);
  });

  it('names a folder without a row', async () => {
    expect(await layerMessages('electron/newfolder/thing.ts', "import { homePaths } from '../config/paths';\nexport const a = homePaths;\n")).toEqual([expect.stringMatching(/has no row in the layer table/)]);
  });

  it('every exception says why', () => {
    for (const [file, e] of Object.entries(exceptions)) expect(e.why.length, file).toBeGreaterThan(20);
  });

  it("each folder README's \"May import\" line names exactly the folders of its row and its files' exceptions", async () => {
    const folders = (await readdir('electron', { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.sort()).toEqual(Object.keys(layers).sort());
    for (const folder of folders) {
      const readme = await readFile(join('electron', folder, 'README.md'), 'utf8');
      const line = readme.split('\n').find((l) => l.startsWith('May import:'));
      expect(line, `${folder}/README.md has a "May import" line`).toBeDefined();
      const named = new Set([...line!.matchAll(/(?<![\w@/.-])([a-z][a-z-]*)\/(?!\w)/g)].map((m) => m[1]!));
      const allowed = new Set([
        ...layers[folder]!,
        ...Object.entries(exceptions)
          .filter(([file]) => file.startsWith(`electron/${folder}/`))
          .flatMap(([, e]) => e.allow),
      ]);
      expect([...named].sort(), folder).toEqual([...allowed].sort());
    }
  });

  it('the whole engine keeps to the table today', async () => {
    const results = await eslint.lintFiles(['electron/**/*.ts']);
    const crossings = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'local/layer-imports').map((m) => `${r.filePath}:${m.line} ${m.message}`));
    expect(crossings).toEqual([]);
  }, 120_000);
});
