import { describe, expect, it } from 'vitest';
import { KEEPALIVE_SECS, NFC_TIMEOUTS } from '../../../electron/planner/rules/nfc-rules';
import { DEFAULT_KEEPALIVE_MS, keepaliveFor } from '../../../electron/vddk/disk-keepalive';
import { NFC_TIMEOUT_DEFAULTS } from '../../../electron/vddk/vddk-config-file';
import { ALLOCATION_CHUNK_SECTORS, NFC_MAX_REQUEST_BYTES } from '../../../electron/vddk/vddk-disk';

/** What the plan tells the user is what the engine does. */
describe('planner texts and VDDK engine constants agree', () => {
  it('NFC-KEEPALIVE: the interval in the plan is the one the engine uses with the planned timeouts', () => {
    expect(KEEPALIVE_SECS * 1000).toBe(DEFAULT_KEEPALIVE_MS);
    expect(keepaliveFor(NFC_TIMEOUTS.readTimeoutSecs * 1000)).toBe(KEEPALIVE_SECS * 1000);
  });

  it('NFC-TIMEOUTS: the planned seconds are the config file defaults', () => {
    expect(NFC_TIMEOUT_DEFAULTS).toEqual({
      'vixDiskLib.nfc.AcceptTimeoutMs': NFC_TIMEOUTS.acceptTimeoutSecs * 1000,
      'vixDiskLib.nfc.RequestTimeoutMs': NFC_TIMEOUTS.requestTimeoutSecs * 1000,
      'vixDiskLib.nfc.ReadTimeoutMs': NFC_TIMEOUTS.readTimeoutSecs * 1000,
      'vixDiskLib.nfc.WriteTimeoutMs': NFC_TIMEOUTS.writeTimeoutSecs * 1000,
      'vixDiskLib.nfcFssrvr.TimeoutMs': NFC_TIMEOUTS.nfcFssrvrTimeoutSecs * 1000,
      'vixDiskLib.nfcFssrvrWrite.TimeoutMs': NFC_TIMEOUTS.nfcFssrvrWriteTimeoutSecs * 1000,
    });
  });

  it('VDDK limits the engine relies on', () => {
    expect(NFC_MAX_REQUEST_BYTES).toBe(2 * 1024 * 1024);
    expect(ALLOCATION_CHUNK_SECTORS).toBe(128);
  });
});
