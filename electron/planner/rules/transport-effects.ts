import type { Finding } from '../plan-types';
import type { RuleId } from '../rule-catalogue';
import type { Scenario, TransportName } from '../scenario-schema';
import { MiB } from './exclusion';

export const SECTOR_BYTES = 512;
/** XPORT-NBDSSL-BUFFER: small requests keep the NFC pipe busy. */
export const NBD_IO_BYTES = 2 * MiB;
export const NBD_IN_FLIGHT = 4;
/** Large requests for block-level transports (a multiple of the 1 MiB VMFS block). */
export const BLOCK_IO_BYTES = 8 * MiB;
/** XPORT-SAN-STREAMS: throughput falls beyond six SAN streams per ESXi host. */
export const SAN_STREAMS_PER_HOST = 6;

export interface DiskIoShape {
  ioBytes: number;
  inFlight: number;
  unbuffered: boolean;
  bufferAlignment: number;
  effects: RuleId[];
}

/** How a disk is written once its transport is known. */
export function diskIoShape(transport: TransportName | null): DiskIoShape {
  if (transport === null) return { ioBytes: 0, inFlight: 0, unbuffered: false, bufferAlignment: 0, effects: [] };
  switch (transport) {
    case 'hotadd':
      // XPORT-HOTADD-UNBUFFERED, XPORT-ALIGNED-BUFFERS
      return {
        ioBytes: BLOCK_IO_BYTES,
        inFlight: 1,
        unbuffered: true,
        bufferAlignment: SECTOR_BYTES,
        effects: ['XPORT-HOTADD-UNBUFFERED', 'XPORT-ALIGNED-BUFFERS'],
      };
    case 'nbd':
    case 'nbdssl':
      // XPORT-NBDSSL-BUFFER, XPORT-ALIGNED-BUFFERS
      return {
        ioBytes: NBD_IO_BYTES,
        inFlight: NBD_IN_FLIGHT,
        unbuffered: false,
        bufferAlignment: SECTOR_BYTES,
        effects: ['XPORT-NBDSSL-BUFFER', 'XPORT-ALIGNED-BUFFERS'],
      };
    case 'san':
      // XPORT-ALIGNED-BUFFERS (SAN reads and writes are slow on unaligned buffers)
      return {
        ioBytes: BLOCK_IO_BYTES,
        inFlight: 1,
        unbuffered: false,
        bufferAlignment: SECTOR_BYTES,
        effects: ['XPORT-ALIGNED-BUFFERS'],
      };
  }
}

/** XPORT-SAN-STREAMS: all disks go to one target host, so the cap is plan-wide. */
export function streamsPerHost(
  s: Scenario,
  transports: readonly (TransportName | null)[],
): { streams: number; findings: Finding[] } {
  const requested = s.options.concurrentStreams;
  if (!transports.includes('san') || requested <= SAN_STREAMS_PER_HOST) return { streams: requested, findings: [] };
  return {
    streams: SAN_STREAMS_PER_HOST,
    findings: [
      {
        rule: 'XPORT-SAN-STREAMS',
        severity: 'info',
        message: `${requested} concurrent streams were asked for, but SAN throughput to one ESXi host drops beyond ${SAN_STREAMS_PER_HOST}; the plan uses ${SAN_STREAMS_PER_HOST}.`,
        remedy: `Nothing to do. Set concurrentStreams to ${SAN_STREAMS_PER_HOST} or fewer to silence this note.`,
      },
    ],
  };
}

/** Proxy SCSI buses form 0..n-1 with no gap (duplicates and order of listing do not matter). */
export function busesInSequence(buses: readonly number[]): boolean {
  const sorted = [...new Set(buses)].sort((a, b) => a - b);
  return sorted.every((bus, i) => bus === i);
}

/** XPORT-HOTADD-CONTROLLER-ORDER: only matters when some disk is actually hot-added. */
export function controllerOrderFindings(s: Scenario, transports: readonly (TransportName | null)[]): Finding[] {
  if (s.workstation.kind !== 'vm' || !transports.includes('hotadd')) return [];
  const buses = s.workstation.scsiControllerBuses;
  if (busesInSequence(buses)) return [];
  return [
    {
      rule: 'XPORT-HOTADD-CONTROLLER-ORDER',
      severity: 'warn',
      message: `The proxy VM's SCSI controllers use buses ${[...buses].sort((a, b) => a - b).join(', ')}, which skip a number; HotAdd assumes bus numbers follow controller order and may attach to the wrong controller or fail.`,
      remedy:
        "Renumber the proxy's SCSI controllers in sequence from 0, and keep a small dummy disk on each extra controller so it stays attached.",
    },
  ];
}
