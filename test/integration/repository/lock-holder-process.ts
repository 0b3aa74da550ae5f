/**
 * A child process that holds a repository lock the way a real job does, then
 * waits to be killed: `node holder.cjs DIR PASSWORD backup|prune`.
 * Bundled by killed-lock-holder.test.ts.
 */
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pointMeta, diskMeta } from '../../unit/repository/repository-fixtures';

async function main(): Promise<void> {
  const [dir, password, mode] = process.argv.slice(2);
  const repo = await Repository.open(new LocalFolderBackend(dir!), password!);
  setInterval(() => undefined, 60_000);
  if (mode === 'prune') {
    // An exclusive lock held until the process dies, as a prune in progress holds it.
    await repo.withExclusiveLock('prune', () => {
      process.stdout.write('holding\n');
      return new Promise<never>(() => undefined);
    });
    return;
  }
  const point = repo.beginPoint(pointMeta());
  // The first write waits for the lock: once it returns, the lock is on disk.
  await point.addDisk(diskMeta(2000, 1024 * 1024)).writeRange(0, Buffer.alloc(1024 * 1024, 7));
  process.stdout.write('holding\n');
}

void main();
