/**
 * The messages between the chunk encode pool and its worker threads. The
 * plain chunk travels into the worker as a transferred copy (the caller's
 * buffer is often a slice of a larger read); the sealed blob moves back.
 */
export interface EncodeRequest {
  seq: number;
  id: string;
  plain: ArrayBuffer;
}

export type EncodeReply =
  | { seq: number; sealed: ArrayBuffer; sealedOffset: number; sealedLength: number }
  | { seq: number; error: { objectName?: string; problem?: string; message: string } };

/** What a worker gets at start: the repository's data key (memory only, never logged or written). */
export interface EncodeWorkerData {
  encryptionKey: Uint8Array;
}
