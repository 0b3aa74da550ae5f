/**
 * What an extent line of an imported descriptor may name: a plain file name in
 * the descriptor's own folder. An absolute path or `..` would let a crafted
 * descriptor (inside an OVA, say) read any local file into a restore point.
 * Returns the problem, or null when the name is acceptable.
 */
export function extentNameProblem(fileName: string): string | null {
  if (fileName === '' || fileName === '.' || fileName === '..') return 'is not a file name';
  if (fileName.includes('\0')) return 'contains a NUL byte';
  if (/^[A-Za-z]:/.test(fileName) || fileName.startsWith('/') || fileName.startsWith('\\')) return 'is an absolute path';
  if (/[/\\]/.test(fileName)) return 'names a folder';
  return null;
}
