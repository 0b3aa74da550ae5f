import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { productInfo } from '../../../electron/config/product';
import { labVddkDir } from '../../../electron/vddk/vddk-discovery';
import { ensureNativeBuilt, makeLabFolder, sanitizerEnv, type LabFolder } from './lab-vddk-fixture';

describe('lab VDDK C ABI edge cases (a C program built against the shared header)', () => {
  let lab: LabFolder;
  let results: Record<string, string>;

  beforeAll(() => {
    ensureNativeBuilt();
    lab = makeLabFolder();
    const exe = join(lab.root, 'abi-check');
    execFileSync('cc', [
      '-std=c11',
      '-Wall',
      '-Werror',
      '-o',
      exe,
      join(productInfo().root, 'test', 'integration', 'vddk', 'lab-vddk-abi-check.c'),
      '-ldl',
      '-lpthread',
    ]);
    const config = join(lab.root, 'vddk.conf');
    writeFileSync(config, `tmpDirectory = "${lab.state}"\nlabvddk.fault.delayMs = 400\n`);
    // The lab VDDK needs its bundled support library; the driver preloads it by absolute path
    // (lib64 on LD_LIBRARY_PATH would hand the process VDDK's libstdc++ stand-in too).
    const preload = [sanitizerEnv().LD_PRELOAD, join(labVddkDir(), 'lib64', 'liblabvddk-support.so.1')].filter(Boolean).join(':');
    const out = execFileSync(exe, [join(labVddkDir(), 'lib64', 'libvixDiskLib.so.8'), config, join(lab.datastore, 'abi.vmdk')], {
      encoding: 'utf8',
      env: { ...process.env, LD_PRELOAD: preload },
    });
    results = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((l) => l.split('=') as [string, string]),
    );
  });
  afterAll(() => lab?.remove());

  it('follows VDDK’s init, create and open rules', () => {
    expect(results.modesBeforeInit).toBe('null');
    expect(results.init).toBe('0');
    expect(results.connect).toBe('0');
    expect(results.create).toBe('0');
    expect(results.createAgain).toBe('12'); // FILE_ALREADY_EXISTS
    expect(results.open).toBe('0');
    expect(results.secondWritableOpen).toBe('15'); // FILE_ALREADY_LOCKED
    expect(results.openAfterFork).toBe('1'); // InitEx does not survive fork
  });

  it('reads the connect parameters again at Open: cleared or freed ones fail, and Create is local only', () => {
    expect(results.remoteConnect).toBe('0');
    expect(results.remoteCreate).toBe('6'); // NOT_SUPPORTED: VDDK creates local disks only
    expect(results.remoteOpenPasswordCleared).toBe('35'); // AUTHENTICATION_FAIL
    expect(results.remoteOpen).toBe('0');
    expect(results.remoteOpenParamsFreed).toBe('16054'); // INVALID_CONNECTION
  });

  it('refuses Cleanup with a vmxSpec (Cleanup is for the connection, not a VM)', () => {
    expect(results.cleanupWithVmxSpec).toBe('3');
    expect(results.cleanup).toBe('0');
  });

  it('rejects zero-length, null, past-the-end and (when unbuffered) unaligned requests', () => {
    expect(results.readZero).toBe('3');
    expect(results.readNull).toBe('3');
    expect(results.readPastEnd).toBe('16007');
    expect(results.readUnaligned).toBe('3');
    expect(results.readAligned).toBe('0');
  });

  it('checks allocation query chunking and reports an untouched disk as empty', () => {
    expect(results.queryChunk64).toBe('3');
    expect(results.queryMisaligned).toBe('3');
    expect(results.queryEmpty).toBe('0');
    expect(results.queryEmptyBlocks).toBe('0');
  });

  it('fails both calls loudly when a second call arrives on a handle while one is running', () => {
    expect(results.concurrentRead).toBe('5'); // OBJECT_IS_BUSY
    expect(results.firstReadOfPair).toBe('5');
    expect(results.close).toBe('0');
    expect(results.disconnect).toBe('0');
  });
});
