import { request, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { connectionErrorFor } from './certificate-errors';
import type { VimSession } from './vim-session';
import type { SavedVmConfig } from './vm-config-info';

/** A file on a datastore, as the /folder HTTP service addresses it. */
export interface DatastoreFile {
  /** Datacenter inventory path (`ha-datacenter` on a standalone ESXi). */
  datacenter: string;
  datastore: string;
  /** Path inside the datastore, e.g. `web01/web01.nvram`. */
  path: string;
}

function folderUrlPath(file: DatastoreFile): string {
  const path = file.path
    .replace(/^\/+/, '')
    .split('/')
    .map((p) => encodeURIComponent(p))
    .join('/');
  const query = new URLSearchParams({ dcPath: file.datacenter, dsName: file.datastore });
  return `/folder/${path}?${query.toString()}`;
}

/** Splits `[datastore] folder/file` into datastore name and path. */
export function parseDatastorePath(dsPath: string): { datastore: string; path: string } {
  const m = /^\[([^\]]+)\]\s*(.*)$/.exec(dsPath.trim());
  if (!m) throw new Error(`"${dsPath}" is not a datastore path of the form "[datastore] folder/file".`);
  return { datastore: m[1]!, path: m[2]! };
}

function fileRequest(session: VimSession, file: DatastoreFile, method: 'GET' | 'PUT', headers: Record<string, string | number>): RequestOptions {
  return {
    host: session.address.host,
    port: session.address.port,
    path: folderUrlPath(file),
    method,
    agent: session.agent,
    headers: { ...headers, ...session.sessionHeaders() },
  };
}

function describe(file: DatastoreFile): string {
  return `[${file.datastore}] ${file.path}`;
}

function statusError(file: DatastoreFile, verb: string, res: IncomingMessage): Error {
  const status = res.statusCode ?? 0;
  if (status === 404) return new Error(`Cannot ${verb} ${describe(file)}: the file or folder does not exist on the datastore.`);
  if (status === 401 || status === 403) return new Error(`Cannot ${verb} ${describe(file)}: the session has no access to the datastore browser (HTTP ${status}).`);
  return new Error(`Cannot ${verb} ${describe(file)}: the server answered HTTP ${status}.`);
}

/** Streams a datastore file down (e.g. the VM's NVRAM for a restore point). */
export function downloadDatastoreFile(session: VimSession, file: DatastoreFile): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const req = request(fileRequest(session, file, 'GET', {}), (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(statusError(file, 'download', res));
        return;
      }
      resolve(res);
    });
    req.on('error', (err) => reject(connectionErrorFor(session.server, err)));
    req.end();
  });
}

/** Convenience for small files (NVRAM is a few hundred KiB). */
export async function downloadDatastoreFileBytes(session: VimSession, file: DatastoreFile): Promise<Buffer> {
  const stream = await downloadDatastoreFile(session, file);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Streams a file up to a datastore, replacing any file of that name. A stream
 * needs its size: the file service wants a Content-Length, not chunked bodies.
 */
export function uploadDatastoreFile(session: VimSession, file: DatastoreFile, body: Buffer | Readable, size?: number): Promise<void> {
  const length = Buffer.isBuffer(body) ? body.length : size;
  if (length === undefined) return Promise.reject(new Error(`Uploading ${describe(file)}: the size of the stream is needed.`));
  const headers: Record<string, string | number> = { 'Content-Type': 'application/octet-stream', 'Content-Length': length };
  return new Promise((resolve, reject) => {
    const req = request(fileRequest(session, file, 'PUT', headers), (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status === 200 || status === 201 || status === 204) resolve();
      else reject(statusError(file, 'upload', res));
    });
    req.on('error', (err) => reject(connectionErrorFor(session.server, err)));
    if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (err) => {
        req.destroy();
        reject(new Error(`Uploading ${describe(file)}: reading the source failed (${err.message}).`));
      });
      body.pipe(req);
    }
  });
}

/**
 * The VM's NVRAM file (EFI variables, Secure Boot keys): the `nvram` option
 * when set (relative to the VM folder, or a datastore path), else
 * `<vm name>.nvram` next to the .vmx.
 */
export function nvramFileOf(datacenter: string, config: Pick<SavedVmConfig, 'name' | 'vmPathName' | 'extraConfig'>): DatastoreFile {
  if (!config.vmPathName) throw new Error(`The configuration of ${config.name} has no .vmx path; cannot locate its NVRAM file.`);
  const home = parseDatastorePath(config.vmPathName);
  const folder = home.path.includes('/') ? home.path.slice(0, home.path.lastIndexOf('/')) : '';
  const option = config.extraConfig.find((o) => o.key === 'nvram')?.value;
  const name = typeof option === 'string' && option.trim() ? option.trim() : `${config.name}.nvram`;
  if (name.startsWith('[')) {
    const explicit = parseDatastorePath(name);
    return { datacenter, datastore: explicit.datastore, path: explicit.path };
  }
  return { datacenter, datastore: home.datastore, path: folder ? `${folder}/${name}` : name };
}
