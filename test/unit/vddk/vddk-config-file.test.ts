import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labVddkConfigKeys } from '../../../electron/vddk/lab-vddk-config';
import { NFC_TIMEOUT_DEFAULTS, renderVddkConfig, writeVddkConfigFile } from '../../../electron/vddk/vddk-config-file';

describe('VDDK config file (NFC-TIMEOUTS)', () => {
  it('sets tmpDirectory and the recommended NFC timeouts by default', () => {
    const text = renderVddkConfig({ tmpDirectory: '/tmp/s1' });
    expect(text).toContain('tmpDirectory = "/tmp/s1"\n');
    expect(text).toContain('vixDiskLib.nfc.AcceptTimeoutMs = 180000\n');
    expect(text).toContain('vixDiskLib.nfc.RequestTimeoutMs = 180000\n');
    expect(text).toContain('vixDiskLib.nfc.ReadTimeoutMs = 60000\n');
    expect(text).toContain('vixDiskLib.nfc.WriteTimeoutMs = 600000\n');
    expect(text).toContain('vixDiskLib.nfcFssrvr.TimeoutMs = 0\n');
    expect(text).toContain('vixDiskLib.nfcFssrvrWrite.TimeoutMs = 0\n');
    expect(Object.keys(NFC_TIMEOUT_DEFAULTS)).toHaveLength(6);
  });

  it('lets the user override a timeout and add keys, and refuses values that would break the file', () => {
    const text = renderVddkConfig({
      tmpDirectory: '/t',
      nfcTimeouts: { 'vixDiskLib.nfc.ReadTimeoutMs': 90000 },
      extra: { 'vixDiskLib.transport.LogLevel': 4 },
    });
    expect(text).toContain('vixDiskLib.nfc.ReadTimeoutMs = 90000\n');
    expect(text).not.toContain('ReadTimeoutMs = 60000');
    expect(text).toContain('vixDiskLib.transport.LogLevel = 4\n');
    expect(() => renderVddkConfig({ tmpDirectory: '/t', nfcTimeouts: { 'vixDiskLib.nfc.ReadTimeoutMs': -1 } })).toThrow(
      RangeError,
    );
    expect(() => renderVddkConfig({ tmpDirectory: '/t', extra: { 'a b': 1 } })).toThrow(/not a VDDK config key/);
    expect(() => renderVddkConfig({ tmpDirectory: '/t"\nx = 1' })).toThrow(/quotes or newlines/);
  });

  it('appends ready-made config text after its own keys, and refuses lines that are not key = value', () => {
    const text = renderVddkConfig({ tmpDirectory: '/t', appendText: '# lab\nlabvddk.datastore.LocalDS_0 = "/x"\n\n' });
    expect(text.endsWith('labvddk.datastore.LocalDS_0 = "/x"\n')).toBe(true);
    expect(() => renderVddkConfig({ tmpDirectory: '/t', appendText: 'rm -rf /' })).toThrow(/not a VDDK config line/);
  });

  it('writes the file owner-only into the session folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lifeboat-vddk-conf-'));
    try {
      const path = writeVddkConfigFile(dir, { tmpDirectory: dir });
      expect(path).toBe(join(dir, 'vddk.conf'));
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(readFileSync(path, 'utf8')).toContain(`tmpDirectory = "${dir}"`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns lab VDDK options into labvddk.* keys, with a 64-bit error code in hex', () => {
    const keys = labVddkConfigKeys({
      datastores: { datastore1: '/lab/ds1' },
      transports: 'nbdssl:nbd',
      asyncMode: 'thread',
      hotaddChangesSignature: true,
      fault: { failWriteN: 5, errorCode: 0xabcd_0000_0008n, delayMs: 10, dropAfterN: 3 },
    });
    expect(keys).toEqual({
      'labvddk.datastore.datastore1': '/lab/ds1',
      'labvddk.transports': 'nbdssl:nbd',
      'labvddk.asyncMode': 'thread',
      'labvddk.hotaddChangesSignature': 1,
      'labvddk.fault.failWriteN': 5,
      'labvddk.fault.errorCode': '0xabcd00000008',
      'labvddk.fault.delayMs': 10,
      'labvddk.fault.dropAfterN': 3,
    });
    expect(() => labVddkConfigKeys({ datastores: { 'bad name': '/x' } })).toThrow(RangeError);
  });
});
