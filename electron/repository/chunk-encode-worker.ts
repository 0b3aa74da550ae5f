import { parentPort, workerData } from 'node:worker_threads';
import { movable } from './chunk-decode-job';
import { sealChunkChecked } from './chunk-seal';
import { RepositoryCorruptError } from './repository-errors';
import type { EncodeReply, EncodeRequest, EncodeWorkerData } from './chunk-encode-job';

/**
 * A chunk encode worker (see ChunkEncodePool): compresses, encrypts and
 * checks the new chunks it is sent and moves the sealed blobs back. It holds
 * the data key in memory only and reads or writes no files.
 */
const port = parentPort;
if (port) {
  const keys = { encryption: Buffer.from((workerData as EncodeWorkerData).encryptionKey) };
  port.on('message', (job: EncodeRequest) => {
    let reply: EncodeReply;
    try {
      const sealed = movable(sealChunkChecked(keys, job.id, Buffer.from(job.plain)));
      reply = { seq: job.seq, sealed: sealed.buffer, sealedOffset: sealed.offset, sealedLength: sealed.length };
    } catch (err) {
      reply =
        err instanceof RepositoryCorruptError
          ? { seq: job.seq, error: { objectName: err.objectName, problem: err.problem, message: err.message } }
          : { seq: job.seq, error: { message: err instanceof Error ? err.message : String(err) } };
    }
    if (!('sealed' in reply)) {
      port.postMessage(reply);
      return;
    }
    try {
      port.postMessage(reply, [reply.sealed]);
    } catch {
      // An ArrayBuffer the runtime will not move (external memory): send a copy.
      const copy = reply.sealed.slice(reply.sealedOffset, reply.sealedOffset + reply.sealedLength);
      port.postMessage({ ...reply, sealed: copy, sealedOffset: 0 }, [copy]);
    }
  });
}
