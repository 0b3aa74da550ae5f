import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Reads a password piped on stdin (`--password-stdin`): everything up to EOF, one trailing newline removed. */
export async function readPasswordFromStream(input: Readable, maxBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > maxBytes) throw new Error('The password on stdin is longer than 64 KiB; pipe only the password.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  if (!text) throw new Error('No password on stdin. Pipe it in, e.g. `secret-tool lookup … | lifeboat connect add …`.');
  return text;
}

type TtyInput = NodeJS.ReadStream & { setRawMode?: (mode: boolean) => unknown };

/** Hidden prompt on a terminal: nothing is echoed; Ctrl-C aborts. */
export function promptHiddenPassword(prompt: string, input: TtyInput = process.stdin, output: Writable = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let value = '';
    const wasRaw = Boolean(input.isRaw);
    // Echo off before the prompt shows: a fast typist or a paste must not echo.
    input.setRawMode?.(true);
    output.write(prompt);
    input.resume();
    input.setEncoding('utf8');
    const finish = (err?: Error) => {
      input.removeListener('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (data: string) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new Error('Cancelled.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on('data', onData);
  });
}

/** A y/N question on the terminal; anything but y/yes is no. */
export function askYesNo(question: string, input: NodeJS.ReadableStream = process.stdin, output: Writable = process.stderr): Promise<boolean> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: false });
    output.write(question);
    rl.once('line', (answer) => {
      // Resolve before close(): close emits 'close' synchronously, which would answer "no".
      resolve(/^(y|yes)$/i.test(answer.trim()));
      rl.close();
    });
    rl.once('close', () => resolve(false));
  });
}
