import { join } from 'node:path';

/**
 * The one VDDK tmpDirectory of a Lifeboat folder, kept across sessions: VDDK
 * notes HotAdd attachments there, and a Cleanup after a crash (in a new session)
 * finds them only in the same folder.
 */
export function vddkTmpDirectory(home: string): string {
  return join(home, 'vddk-tmp');
}
