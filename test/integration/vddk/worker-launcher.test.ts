import { afterEach, describe, expect, it } from 'vitest';
import { configureVddkWorkerLauncher } from '../../../electron/vddk/vddk-worker-process';
import { ensureNativeBuilt, makeLabFolder, sanitizerEnv, startLabSession, type LabFolder } from './lab-vddk-fixture';

describe('VDDK worker launcher (how the Electron app starts its worker)', () => {
  let lab: LabFolder | undefined;
  afterEach(() => {
    configureVddkWorkerLauncher({ executable: process.execPath, args: (script, addon) => [script, addon] });
    lab?.remove();
  });

  it('starts the worker through a configured launcher that calls runVddkWorker itself, as main.ts does behind its flag', async () => {
    ensureNativeBuilt();
    lab = makeLabFolder();
    const launched: string[][] = [];
    configureVddkWorkerLauncher({
      executable: process.execPath,
      args: (script, addon) => {
        // Like `lifeboat --lifeboat-vddk-worker <addon>`: the module is loaded, not run as main, and called explicitly.
        const args = ['-e', `require(${JSON.stringify(script)}).runVddkWorker(process.argv[1])`, addon];
        launched.push(args);
        return args;
      },
    });
    const session = await startLabSession(lab, {}, { env: { ...process.env, ...sanitizerEnv() } });
    try {
      expect(launched).toHaveLength(1);
      expect(await session.transportModes()).toContain('nbdssl');
      expect(await session.ping()).toBeGreaterThanOrEqual(0);
    } finally {
      await session.close();
    }
  });
});
