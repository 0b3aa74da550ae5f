import { parentPort, workerData } from 'node:worker_threads';
import { movable } from './chunk-decode-job';
import { sealChunkChecked } from './chunk-seal';
import { assemblePack } from './pack-assembly';
import { RepositoryCorruptError } from './repository-errors';
import type { EncodeReply, EncodeRequest, EncodeWorkerData, Movable } from './chunk-encode-job';

/**
 * A chunk encode worker (see ChunkEncodePool): compresses, encrypts and
 * checks the new chunks it is sent, and builds packs (concatenation, sealed
 * header, SHA-256 name) from sealed blobs; results move back. It holds the
 * data key in memory only and reads or writes no files.
 */
const port = parentPort;

function view(m: Movable): Buffer {
  return Buffer.from(m.buffer, m.offset, m.length);
}

function answer(job: EncodeRequest, keys: { encryption: Buffer }): { reply: EncodeReply; moved: ArrayBuffer[] } {
  try {
    if (job.kind === 'seal') {
      const sealed = movable(sealChunkChecked(keys, job.id, Buffer.from(job.plain)));
      return { reply: { seq: job.seq, sealed }, moved: [sealed.buffer] };
    }
    const built = assemblePack(
      keys,
      job.blobs.map((b) => ({ id: b.id, rawLength: b.rawLength, sealed: view(b.sealed) })),
    );
    const data = movable(built.data);
    return { reply: { seq: job.seq, pack: { packId: built.packId, data, entries: built.entries } }, moved: [data.buffer] };
  } catch (err) {
    const error =
      err instanceof RepositoryCorruptError
        ? { objectName: err.objectName, problem: err.problem, message: err.message }
        : { message: err instanceof Error ? err.message : String(err) };
    return { reply: { seq: job.seq, error }, moved: [] };
  }
}

if (port) {
  const keys = { encryption: Buffer.from((workerData as EncodeWorkerData).encryptionKey) };
  port.on('message', (job: EncodeRequest) => {
    const { reply, moved } = answer(job, keys);
    try {
      port.postMessage(reply, moved);
    } catch {
      // An ArrayBuffer the runtime will not move (external memory): send a copy.
      port.postMessage(reply);
    }
  });
}
