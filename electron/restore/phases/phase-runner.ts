import { LifeboatError } from '../../errors/lifeboat-error';
import { killPoint } from '../fault-points';
import type { PhaseRecord, RestorePhase } from '../restore-phases';
import type { RestoreJobContext } from './job-context';
import type { PhaseResult } from './job-types';
import { throwIfAborted as throwIfSignalled } from '../../errors/abort-reason';
import { NOT_IN_PLAN } from './planned-phases';

/** An error as the report shows it: what went wrong and, where the error knows it, what to do. */
export function messageOf(err: unknown): string {
  if (err instanceof LifeboatError && err.hint && !err.message.includes(err.hint)) return `${err.message} ${err.hint}`;
  return err instanceof Error ? err.message : String(err);
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  throwIfSignalled(signal, 'cancelled by the user');
}

/**
 * Runs one phase under its record: a phase done (or skipped) by an earlier
 * run is not run again, a phase the plan has no step for is skipped as
 * NOT_IN_PLAN, and each state change is checkpointed before and after.
 */
export async function runPhase(
  ctx: RestoreJobContext,
  phases: PhaseRecord[],
  planned: ReadonlySet<RestorePhase>,
  name: RestorePhase,
  fn: (ctx: RestoreJobContext) => Promise<PhaseResult>,
): Promise<void> {
  const record = phases.find((p) => p.phase === name);
  if (!record) throw new Error(`unknown phase ${name}`);
  if (record.status === 'done' || record.status === 'skipped') return;
  if (!planned.has(name)) {
    record.status = 'skipped';
    record.detail = NOT_IN_PLAN;
    return;
  }
  record.status = 'running';
  record.startedAt = new Date().toISOString();
  ctx.progress.phase = name;
  ctx.report();
  await ctx.checkpoint.update({ phases });
  try {
    const result = await fn(ctx);
    record.status = typeof result === 'string' ? 'done' : 'skipped';
    record.detail = typeof result === 'string' ? result : result.skipped;
  } catch (err) {
    record.status = 'failed';
    record.detail = messageOf(err);
    throw err;
  } finally {
    record.finishedAt = new Date().toISOString();
    await ctx.checkpoint.update({ phases });
  }
  killPoint(`after:${name}`);
}
