/** The messages of the VDDK worker protocol (carried in wire-protocol frames). */

/** Operations the worker performs; each maps to one addon call. */
export type WorkerOperation =
  | 'init'
  | 'listTransportModes'
  | 'connect'
  | 'disconnect'
  | 'prepareForAccess'
  | 'endAccess'
  | 'cleanup'
  | 'open'
  | 'close'
  | 'info'
  | 'read'
  | 'write'
  | 'flush'
  | 'queryAllocatedBlocks'
  | 'create'
  | 'exit'
  | 'ping';

/** Engine → worker. `write` carries its data as the frame payload. */
export interface WorkerRequest {
  id: number;
  op: WorkerOperation;
  args: unknown[];
}

/** What the worker knows about a failure; a VIX failure has vixCode and vixRaw. */
export interface WorkerErrorInfo {
  message: string;
  operation: string;
  vixCode?: number;
  /** The full 64-bit VixError as a decimal string. */
  vixRaw?: string;
  vixMessage?: string;
}

/** Worker → engine. `read` answers with the data as the frame payload; `ms` is how long the call took in the worker. */
export type WorkerResponse =
  { id: number; ok: true; value?: unknown; ms?: number } | { id: number; ok: false; error: WorkerErrorInfo; ms?: number };
