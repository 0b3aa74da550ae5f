/** VIX error codes Lifeboat acts on (the low 16 bits of a VixError). */
export const VixErrorCode = {
  ok: 0,
  fail: 1,
  outOfMemory: 2,
  invalidArg: 3,
  fileNotFound: 4,
  objectIsBusy: 5,
  notSupported: 6,
  fileError: 7,
  diskFull: 8,
  fileReadOnly: 11,
  fileAlreadyExists: 12,
  fileAccessError: 13,
  fileAlreadyLocked: 15,
  hostConnectionLost: 36,
  invalidHandle: 1000,
  hostTcpConnLost: 14011,
  diskOutOfRange: 16007,
  async: 25000,
} as const;

/** The code part of a raw 64-bit VixError: upper bits may be set, so compare this. */
export function vixCodeOf(raw: bigint): number {
  return Number(raw & 0xffffn);
}

/** A VDDK call that failed with a VIX error. */
export class VddkError extends Error {
  /** Low 16 bits of the VixError: the value to compare with VixErrorCode. */
  readonly code: number;
  /** The full 64-bit VixError as VDDK returned it. */
  readonly raw: bigint;
  /** VDDK's own text for the error (GetErrorText). */
  readonly vixMessage: string;

  constructor(
    readonly operation: string,
    raw: bigint,
    vixMessage: string,
  ) {
    super(`VDDK ${operation} failed: ${vixMessage || 'no error text'} (VIX error ${vixCodeOf(raw)})`);
    this.name = 'VddkError';
    this.raw = raw;
    this.code = vixCodeOf(raw);
    this.vixMessage = vixMessage;
  }

  /** True when this is the given VIX code, whatever the upper bits say. */
  is(code: number): boolean {
    return this.code === code;
  }
}

/** The VDDK worker process ended (crash, kill, or VDDK panic) while calls were pending or after. */
export class VddkWorkerExitedError extends Error {
  constructor(
    readonly operation: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    /** The last lines the worker wrote to stderr (VDDK's log), for the report. */
    readonly lastLog: string[],
  ) {
    const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    super(
      `VDDK ${operation} did not complete: the VDDK worker process ${how}. ` +
        'The app is unaffected; start a new VDDK session to retry.',
    );
    this.name = 'VddkWorkerExitedError';
  }
}

/** A failure in the worker that is not a VIX error (bad argument, unknown handle, library not loadable). */
export class VddkCallError extends Error {
  constructor(
    readonly operation: string,
    message: string,
  ) {
    super(message);
    this.name = 'VddkCallError';
  }
}
