import { retrieveOne } from './property-collector';
import { faultFromMethodFault } from './vim-fault';
import type { VimSession } from './vim-session';
import { asNumber, asObject, asString, type MoRef, type VimValue } from './vim-types';

export interface TaskWaitOptions {
  /** Called with 0–100 when the server reports progress. */
  onProgress?: (percent: number) => void;
  signal?: AbortSignal;
  /** First poll delay; doubles up to 2 s so short tasks finish fast and long ones cost little. */
  pollMs?: number;
  /** What the task does, for error messages ("create VM web01"). */
  description?: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason ?? new Error('aborted'));
    }, { once: true });
  });

/**
 * Polls Task.info until the task succeeds (returns info.result) or fails
 * (throws a VimFault with a readable message). Aborting the signal asks the
 * server to cancel the task and stops waiting.
 */
export async function waitForTask(session: VimSession, task: MoRef, options: TaskWaitOptions = {}): Promise<VimValue> {
  let delay = options.pollMs ?? 100;
  let lastProgress = -1;
  for (;;) {
    if (options.signal?.aborted) {
      await session.call('CancelTask', { _this: task }).catch(() => undefined);
      throw options.signal.reason ?? new Error('aborted');
    }
    const found = await retrieveOne(session, task, ['info']);
    const info = asObject(found?.props.info) ?? {};
    const state = asString(info.state);
    if (state === 'success') {
      if (lastProgress < 100) options.onProgress?.(100);
      return info.result;
    }
    if (state === 'error') {
      const what = options.description ?? asString(info.descriptionId) ?? asString(info.name) ?? 'task';
      throw faultFromMethodFault(asObject(info.error), { server: session.server, operation: what });
    }
    const progress = asNumber(info.progress);
    if (progress !== undefined && progress !== lastProgress) {
      lastProgress = progress;
      options.onProgress?.(progress);
    }
    await sleep(delay, options.signal).catch(async (err: unknown) => {
      await session.call('CancelTask', { _this: task }).catch(() => undefined);
      throw err;
    });
    delay = Math.min(delay * 2, 2000);
  }
}
