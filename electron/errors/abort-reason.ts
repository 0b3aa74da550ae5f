/**
 * Why an aborted operation stopped: the reason its AbortSignal was aborted
 * with, when that is an Error (the user's Ctrl+C, a lost lock), else an Error
 * saying `fallback`. One rule for every loop that checks a signal.
 */
export function abortReason(signal: AbortSignal, fallback: string): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(fallback);
}

/** Throws abortReason when `signal` has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, fallback: string): void {
  if (signal?.aborted) throw abortReason(signal, fallback);
}
