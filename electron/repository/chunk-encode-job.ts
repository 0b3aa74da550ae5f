import type { BlobEntry } from './pack-assembly';

/**
 * The messages between the chunk encode pool and its worker threads. A plain
 * chunk travels into the worker as a transferred copy (the caller's buffer is
 * often a slice of a larger read); its sealed blob moves back. A pack's sealed
 * blobs move in and the finished pack bytes move back.
 */
export type EncodeRequest =
  | { kind: 'seal'; seq: number; id: string; plain: ArrayBuffer }
  | { kind: 'pack'; seq: number; blobs: Array<{ id: string; rawLength: number; sealed: Movable }> };

/** A byte range of an ArrayBuffer that is moved with the message. */
export interface Movable {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

export type EncodeReply =
  | { seq: number; sealed: Movable }
  | { seq: number; pack: { packId: string; data: Movable; entries: BlobEntry[] } }
  | { seq: number; error: { objectName?: string; problem?: string; message: string } };

/** What a worker gets at start: the repository's data key (memory only, never logged or written). */
export interface EncodeWorkerData {
  encryptionKey: Uint8Array;
}
