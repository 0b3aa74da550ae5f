import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { lifeboatHome } from '../../config/paths';
import { productInfo } from '../../config/product';
import { createEngine } from '../../engine/lifeboat-engine';
import { startBrowserHost } from '../../serve/browser-host';
import { linkControlPath, requestNewLink } from '../../serve/link-control';
import { CliError, ExitCode } from '../cli-error';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`--port must be a whole number from 0 to 65535, not "${text}"`, ExitCode.usage, 'use --port 0 to pick a free port');
  }
  return port;
}

/** `lifeboat serve`: the browser host for jump hosts and end-to-end tests. */
export const registerServeCommand: RegisterCommand = (program, ctx) => {
  program
    .command('serve')
    .description('serve the Lifeboat UI to a local browser: 127.0.0.1 only, one-time token in the URL, API over a WebSocket')
    .option('-p, --port <port>', 'TCP port on 127.0.0.1 (0 = any free port)', '0')
    .option('--new-link', 'ask the `lifeboat serve` already running for this Lifeboat home for a new one-time link (lost cookie, second browser)')
    .addHelpText(
      'after',
      '\nOpen the printed URL once in a browser on this machine; the token is then exchanged for a session cookie.\n' +
        'Stop with Ctrl+C. For a remote jump host, forward the port over SSH rather than exposing it.',
    )
    .action(
      commandAction(ctx, async (opts: { port: string; newLink?: boolean }, command: Command) => {
        const { json } = globalOptions(command);
        const home = lifeboatHome();
        if (opts.newLink) {
          const link = await requestNewLink(linkControlPath(home)).catch((err: Error) => {
            throw new CliError(err.message, ExitCode.failure, 'start it with `lifeboat serve` (same LIFEBOAT_HOME), then ask again');
          });
          ctx.io.stdout(json ? JSON.stringify({ url: link }) + '\n' : `Open (works once): ${link}\n`);
          return;
        }
        const rendererDir = join(productInfo().root, 'dist', 'renderer');
        if (!existsSync(join(rendererDir, 'index.html'))) {
          throw new CliError(`the UI bundle is missing (${rendererDir})`, ExitCode.failure, 'run `npm run build` first');
        }
        const engine = createEngine({ frontDoor: 'browser' });
        await mkdir(home, { recursive: true, mode: 0o700 });
        const host = await startBrowserHost({ engine, rendererDir, port: parsePort(opts.port), controlPath: linkControlPath(home) });
        if (json) ctx.io.stdout(JSON.stringify({ url: host.url, port: host.port }) + '\n');
        else
          ctx.io.stdout(
            `Lifeboat browser host listening on 127.0.0.1:${host.port}\nOpen: ${host.url}\n` +
              '(the link works once; for another browser or a lost cookie run `lifeboat serve --new-link`; Ctrl+C to stop)\n',
          );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off('SIGINT', stop);
            process.off('SIGTERM', stop);
            resolve();
          };
          process.on('SIGINT', stop);
          process.on('SIGTERM', stop);
        });
        await host.close();
      }),
    );
};
