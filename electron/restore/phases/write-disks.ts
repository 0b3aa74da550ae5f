import { formatBytes } from '../../units/byte-units';
import { copyDisk } from '../disk-copier';
import { eachLimited } from './each-limited';
import type { RestoreJobContext, WritableDisk } from './job-context';
import type { PhaseResult } from './job-types';
import { throwIfAborted } from './phase-runner';

/** Requests handed to the VDDK worker beyond the plan's depth; VDDK itself still sees the plan's depth on each disk. */
const PIPE_AHEAD = 1;

/** One disk: its allocated extents copied to the mapped target disk, each range checkpointed (a resume copies the rest). */
async function writeDisk(ctx: RestoreJobContext, d: WritableDisk): Promise<void> {
  const { checkpoint } = ctx;
  const state = ctx.progress.disks[d.key];
  const outcome = ctx.outcomes.get(d.key);
  if (!state || !outcome) return;
  if (checkpoint.diskComplete(d.key)) {
    state.bytesDone = state.bytesTotal;
    state.state = 'written';
    return;
  }
  const source = await ctx.input.openPointDisk(d.key);
  const opened = await ctx.target.openDisk(ctx.requireVm(), ctx.targetKey(d.key), {
    transport: d.transport,
    unbuffered: d.unbuffered,
    fresh: ctx.freshDisks,
  });
  outcome.transportUsed = opened.transportMode;
  state.state = 'writing';
  try {
    outcome.copy = await copyDisk(source, opened.image, {
      ioBytes: d.ioBytes,
      // The disk's VDDK thread runs its requests one after another whatever the depth (the addon queues
      // them per handle), so one more request on its way through the worker pipe keeps a single-request
      // transport (SAN, HotAdd: 1 in flight) writing while the next piece crosses the process boundary.
      inFlight: d.inFlight + PIPE_AHEAD,
      targetReadsZero: opened.readsZero,
      alreadyDone: checkpoint.copiedRanges(d.key),
      // CRC-32 of each piece only for the read-back that compares with them (none when verification is off).
      digests: ctx.input.plan.verify ? ctx.written.set(d.key, new Map()).get(d.key) : undefined,
      signal: ctx.signal,
      onRangeCopied: (r) => checkpoint.recordCopied(d.key, r),
      onProgress: (p) => {
        state.bytesDone = Math.min(state.bytesTotal, p.bytesDone);
        ctx.report();
      },
    });
    await checkpoint.markDiskComplete(d.key);
    state.state = 'written';
  } finally {
    await opened.close();
    await source.close();
  }
}

/**
 * XPORT-ALIGNED-BUFFERS: every disk's allocated extents written with the
 * plan's aligned I/O size and depth, at most `ctx.streams` disks at once
 * (DATA-DISK-MAP decides which target disk each is written to).
 */
export async function writeDisks(ctx: RestoreJobContext): Promise<PhaseResult> {
  await eachLimited(ctx.writable, ctx.streams, async (d) => {
    throwIfAborted(ctx.signal);
    await writeDisk(ctx, d);
  });
  const bytes = [...ctx.outcomes.values()].reduce((n, o) => n + (o.copy?.bytesWritten ?? 0), 0);
  return `${ctx.writable.length} disk(s), ${formatBytes(bytes)} written`;
}
