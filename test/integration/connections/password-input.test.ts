import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readPasswordFromStream } from '../../../electron/connections/password-input';

describe('password from stdin', () => {
  it('reads everything up to EOF and drops one trailing newline only', async () => {
    expect(await readPasswordFromStream(Readable.from([Buffer.from('p@ss w0rd'), Buffer.from('!\n')]))).toBe('p@ss w0rd!');
    expect(await readPasswordFromStream(Readable.from(['two\r\n']))).toBe('two');
    expect(await readPasswordFromStream(Readable.from(['ends with space \n\n']))).toBe('ends with space \n');
  });

  it('refuses empty input and oversized input with a clear message', async () => {
    await expect(readPasswordFromStream(Readable.from(['\n']))).rejects.toThrow(/No password on stdin/);
    await expect(readPasswordFromStream(Readable.from([Buffer.alloc(70 * 1024, 97)]))).rejects.toThrow(/longer than 64 KiB/);
  });
});
