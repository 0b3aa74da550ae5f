import { describe, expect, it } from 'vitest';
import { VddkError, vixCodeOf, VixErrorCode } from '../../../electron/vddk/vddk-error';
import { workerEnvironment } from '../../../electron/vddk/vddk-worker-process';

describe('typed VIX errors', () => {
  it('compares the low 16 bits and keeps the full value', () => {
    const raw = 0xffff_0001_0000_3e8fn; // code 0x3e8f = 16015 with upper bits set
    expect(vixCodeOf(raw)).toBe(0x3e8f);
    const e = new VddkError('open', 0x0000_0005_0000_0004n, 'The file was not found');
    expect(e.code).toBe(VixErrorCode.fileNotFound);
    expect(e.is(VixErrorCode.fileNotFound)).toBe(true);
    expect(e.raw).toBe(0x0000_0005_0000_0004n);
    expect(e.message).toBe('VDDK open failed: The file was not found (VIX error 4)');
  });
});

describe('worker environment', () => {
  it('never puts the VDDK folder on the library search path of the worker process', () => {
    expect(workerEnvironment({ LD_LIBRARY_PATH: '/a', PATH: '/bin' })).toEqual({ LD_LIBRARY_PATH: '/a', PATH: '/bin' });
    expect(workerEnvironment({}).LD_LIBRARY_PATH).toBeUndefined();
  });
});
