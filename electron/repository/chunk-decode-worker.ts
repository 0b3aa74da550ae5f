import { parentPort, workerData } from 'node:worker_threads';
import { openAuthenticatedChunk } from './chunk-open';
import { RepositoryCorruptError } from './repository-errors';
import { movable, type DecodeReply, type DecodeRequest, type DecodeWorkerData } from './chunk-decode-job';

/**
 * A chunk decode worker (see ChunkDecodePool): decrypts and decompresses the
 * stored blobs it is sent and moves the plain bytes back. It holds the data
 * key in memory only and reads no files.
 */
const port = parentPort;
if (port) {
  const keys = { encryption: Buffer.from((workerData as DecodeWorkerData).encryptionKey) };
  port.on('message', (job: DecodeRequest) => {
    let reply: DecodeReply;
    try {
      const stored = Buffer.from(job.stored, job.storedOffset, job.storedLength);
      const plain = movable(openAuthenticatedChunk(keys, job.id, stored, job.where, job.rawLength));
      reply = { seq: job.seq, plain: plain.buffer, plainOffset: plain.offset, plainLength: plain.length };
    } catch (err) {
      reply =
        err instanceof RepositoryCorruptError
          ? { seq: job.seq, error: { objectName: err.objectName, problem: err.problem, message: err.message } }
          : { seq: job.seq, error: { message: err instanceof Error ? err.message : String(err) } };
    }
    if (!('plain' in reply)) {
      port.postMessage(reply);
      return;
    }
    try {
      port.postMessage(reply, [reply.plain]);
    } catch {
      // An ArrayBuffer the runtime will not move (external memory): send a copy.
      const copy = reply.plain.slice(reply.plainOffset, reply.plainOffset + reply.plainLength);
      port.postMessage({ ...reply, plain: copy, plainOffset: 0 }, [copy]);
    }
  });
}
