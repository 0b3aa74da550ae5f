import type { DiskPlan } from '../plan-types';
import type { TransportName } from '../scenario-schema';

/**
 * Planning rates per transport, before any byte has moved: deliberately
 * modest figures for a 10 GbE network and a busy array, so a tired engineer is
 * not promised too little time. The run replaces them with the measured rate
 * as soon as data flows.
 */
export const ASSUMED_BYTES_PER_SECOND: Record<TransportName, number> = {
  san: 200 * 1024 * 1024,
  hotadd: 150 * 1024 * 1024,
  nbdssl: 60 * 1024 * 1024,
  nbd: 80 * 1024 * 1024,
};

/** DATA-THIN-FIRST-WRITE: each first write to a new thin disk allocates a block; the estimate allows a fifth more time. */
const THIN_FIRST_WRITE_FACTOR = 1.25;

export interface TimeEstimate {
  /** Whole seconds for writing (and reading back, when the plan verifies) every disk; null when nothing is written. */
  seconds: number | null;
  bytesToWrite: number;
  /** The rate the estimate assumed overall (bytes per second), the run's ETA until it measures its own. */
  assumedBytesPerSecond: number;
}

/** Seconds to restore the plan's disks: each disk at its transport's assumed rate, `streams` disks at a time. */
export function estimateTime(disks: readonly DiskPlan[], streams: number, verify: boolean): TimeEstimate {
  const writing = disks.filter((d) => d.transport !== null && d.bytesToWrite > 0);
  const bytesToWrite = writing.reduce((n, d) => n + d.bytesToWrite, 0);
  if (writing.length === 0) return { seconds: null, bytesToWrite: 0, assumedBytesPerSecond: 0 };
  const perDisk = writing.map((d) => {
    const rate = ASSUMED_BYTES_PER_SECOND[d.transport!];
    const write = (d.bytesToWrite / rate) * (d.firstWriteAllocates ? THIN_FIRST_WRITE_FACTOR : 1);
    return write + (verify ? d.bytesToWrite / rate : 0);
  });
  const total = perDisk.reduce((a, b) => a + b, 0);
  // Disks run `streams` at a time: never less than the longest disk, never more than one after another.
  const seconds = Math.max(Math.max(...perDisk), total / Math.max(1, Math.min(streams, writing.length)));
  return { seconds: Math.ceil(seconds), bytesToWrite, assumedBytesPerSecond: Math.round(bytesToWrite / seconds) };
}
