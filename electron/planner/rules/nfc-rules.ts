import type { TransportName } from '../scenario-schema';
import type { DraftStep } from './step-draft';
import { PHASE } from './step-draft';

/** NFC-TIMEOUTS: seconds written into the VDDK config file (the user may override them). */
export const NFC_TIMEOUTS = {
  acceptTimeoutSecs: 180,
  requestTimeoutSecs: 180,
  readTimeoutSecs: 60,
  writeTimeoutSecs: 600,
  nfcFssrvrTimeoutSecs: 0,
  nfcFssrvrWriteTimeoutSecs: 0,
} as const;

/** Keepalive interval: a third of the 60 s read timeout (the engine's DEFAULT_KEEPALIVE_MS; a unit test keeps them equal). */
export const KEEPALIVE_SECS = 20;

/** NFC-TIMEOUTS: every VDDK session, so whenever any disk has a transport. */
export function nfcTimeoutSteps(transports: readonly (TransportName | null)[]): DraftStep[] {
  if (!transports.some((t) => t !== null)) return [];
  const t = NFC_TIMEOUTS;
  return [
    {
      rule: 'NFC-TIMEOUTS',
      phase: PHASE.vddkConfig,
      description:
        `Write the VDDK config file with NFC timeouts: accept ${t.acceptTimeoutSecs} s, request ${t.requestTimeoutSecs} s, read ${t.readTimeoutSecs} s, ` +
        `write ${t.writeTimeoutSecs} s, nfcFssrvr ${t.nfcFssrvrTimeoutSecs}, nfcFssrvrWrite ${t.nfcFssrvrWriteTimeoutSecs} (no timeout), unless the user set others.`,
    },
  ];
}

/** NFC-KEEPALIVE: an NFC disk left idle (waiting for a stream) would be closed by the server. */
export function keepaliveStep(disk: { key: number; label: string }, transport: TransportName | null): DraftStep[] {
  if (transport !== 'nbd' && transport !== 'nbdssl') return [];
  return [
    {
      rule: 'NFC-KEEPALIVE',
      phase: PHASE.diskWrite,
      disk: disk.key,
      description: `While ${disk.label} is open but idle, read sector 0 every ${KEEPALIVE_SECS} s so the host does not close it.`,
    },
  ];
}
