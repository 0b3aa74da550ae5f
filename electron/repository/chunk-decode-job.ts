/**
 * The messages between the chunk decode pool and its worker threads. Buffers
 * travel as transferred ArrayBuffers (moved, not copied): `stored` into the
 * worker, the plain chunk back out.
 */
export interface DecodeRequest {
  seq: number;
  id: string;
  where: string;
  rawLength: number;
  stored: ArrayBuffer;
  storedOffset: number;
  storedLength: number;
}

export type DecodeReply =
  | { seq: number; plain: ArrayBuffer; plainOffset: number; plainLength: number }
  | { seq: number; error: { objectName?: string; problem?: string; message: string } };

/** What a worker gets at start: the repository's data key (memory only, never logged or written). */
export interface DecodeWorkerData {
  encryptionKey: Uint8Array;
}

/**
 * The bytes of `view` as an ArrayBuffer that may be moved to another thread.
 * Node's Buffer pool hands out views of one shared slab (untransferable, and
 * holding other buffers): those small buffers are copied into their own
 * ArrayBuffer first; large ones move as they are.
 */
export function movable(view: Uint8Array): { buffer: ArrayBuffer; offset: number; length: number } {
  const whole = view.buffer;
  if (whole instanceof ArrayBuffer && whole.byteLength > Buffer.poolSize) {
    return { buffer: whole, offset: view.byteOffset, length: view.byteLength };
  }
  const own = new ArrayBuffer(view.byteLength);
  new Uint8Array(own).set(view);
  return { buffer: own, offset: 0, length: view.byteLength };
}
