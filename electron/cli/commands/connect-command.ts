import type { Command } from 'commander';
import { CliError, ExitCode } from '../cli-error';
import { printResult, type CliIo } from '../cli-output';
import { commandAction, globalOptions, type RegisterCommand } from '../command-action';
import { cliSessionSecrets, withConnectionPasswordOptions, type ConnectionPasswordOptions } from '../connection-password-options';
import { lifeboatHome } from '../../config/paths';
import type { SecretStore } from '../../keychain/secret-store';
import { OsKeychain } from '../../keychain/os-keychain';
import { ConnectionStore } from '../../connections/connection-store';
import { hasSavedConnectionPassword, type ConnectionProfile } from '../../connections/connection-profile';
import { readFile } from 'node:fs/promises';
import { addConnection, probeServer, removeConnection, testConnection } from '../../connections/connection-service';
import { askYesNo, promptHiddenPassword, readPasswordFromStream } from '../../connections/password-input';
import { VimFault } from '../../vsphere/vim-fault';
import { parseServerUrl } from '../../vsphere/server-url';
import { normalizeThumbprint, sameThumbprint, type CertificateThumbprints } from '../../vsphere/thumbprint';
import { CertificateChangedError, ServerNameResolutionError, UntrustedCertificateError } from '../../vsphere/certificate-errors';

/** What the connect command needs from the outside world; tests replace the terminal parts. */
export interface ConnectDeps {
  secrets: () => SecretStore;
  home: () => string;
  /** Reads the password: hidden prompt on a terminal, else stdin. */
  readPassword: (io: CliIo, prompt: string, fromStdin: boolean) => Promise<string>;
  confirm: (io: CliIo, question: string) => Promise<boolean>;
}

const defaultDeps: ConnectDeps = {
  secrets: () => new OsKeychain(),
  home: () => lifeboatHome(),
  readPassword: (io, prompt, fromStdin) =>
    fromStdin || !process.stdin.isTTY ? readPasswordFromStream(process.stdin) : promptHiddenPassword(prompt),
  confirm: (_io, question) => askYesNo(question),
};

interface AddOptions {
  user: string;
  name?: string;
  trustThumbprint?: string;
  passwordStdin?: boolean;
  passwordFile?: string;
  /** commander's negation of --no-save */
  save: boolean;
}

/** Turns the typed connection errors into CLI errors with the right exit code and a remedy. */
function asCliError(err: unknown): unknown {
  if (err instanceof CertificateChangedError) {
    return new CliError(`CONN-THUMBPRINT: ${err.message}`, ExitCode.blocked, 'Check with the vSphere administrator whether the certificate was replaced.');
  }
  if (err instanceof UntrustedCertificateError) {
    return new CliError(
      `CONN-THUMBPRINT: ${err.message}`,
      ExitCode.blocked,
      `After checking it, run again with --trust-thumbprint ${err.thumbprints.sha256}`,
    );
  }
  if (err instanceof ServerNameResolutionError) return new CliError(`CONN-DNS: ${err.message}`, ExitCode.failure);
  if (err instanceof VimFault && err.is('InvalidLogin')) return new CliError(err.message, ExitCode.failure, 'Nothing was saved. Run the command again with the right password.');
  return err;
}

function rethrowReadable<A extends unknown[]>(fn: (...args: A) => Promise<number | void>) {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (err) {
      throw asCliError(err);
    }
  };
}

async function decideTrust(io: CliIo, deps: ConnectDeps, server: string, seen: CertificateThumbprints, given: string | undefined): Promise<void> {
  if (given !== undefined) {
    const wanted = normalizeThumbprint(given, 32);
    if (!wanted) throw new CliError(`--trust-thumbprint "${given}" is not a SHA-256 thumbprint`, ExitCode.usage, 'Give 32 bytes of hex, e.g. AB:CD:…');
    // The user vouched for one certificate and the server shows another: refuse.
    if (wanted !== seen.sha256) {
      throw new CliError(
        `CONN-THUMBPRINT: ${server} presents a certificate with SHA-256 ${seen.sha256}, not the ${wanted} given in --trust-thumbprint: possible interception. Nothing was saved.`,
        ExitCode.blocked,
        'Check the thumbprint with the server administrator before connecting.',
      );
    }
    return;
  }
  if (!io.interactive) throw new UntrustedCertificateError(server, seen);
  io.stderr(
    `The certificate of ${server} is not trusted yet.\n` +
      `  SHA-256: ${seen.sha256}\n  SHA-1:   ${seen.sha1}\n` +
      'Compare it with the thumbprint shown on the server (DCUI or vCenter appliance console).\n',
  );
  if (!(await deps.confirm(io, 'Trust this certificate? [y/N] '))) {
    throw new CliError(`the certificate of ${server} was not trusted; nothing was saved`, ExitCode.blocked);
  }
}

function passwordText(hasPassword: boolean | null | undefined): string {
  if (hasPassword === undefined) return '';
  if (hasPassword === null) return '\n  password: unknown (the OS keychain is not available); give it per session with --connection-password-file';
  return hasPassword ? '\n  password: saved in the OS keychain' : '\n  password: not saved; give it per session with --connection-password-file or --connection-password-stdin';
}

function profileText(p: ConnectionProfile & { hasPassword?: boolean | null }): string {
  return `${p.name}  ${p.user} @ ${p.url}${p.product ? `  (${p.product})` : ''}\n  SHA-256 ${p.thumbprintSha256}${passwordText(p.hasPassword)}`;
}

/** The password for `connect add`: a file, stdin, or a hidden prompt; never the command line. */
async function addPassword(io: CliIo, deps: ConnectDeps, prompt: string, opts: AddOptions): Promise<string> {
  if (opts.passwordFile && opts.passwordStdin) throw new CliError('give --password-file or --password-stdin, not both', ExitCode.usage);
  if (!opts.passwordFile) return deps.readPassword(io, prompt, Boolean(opts.passwordStdin));
  const text = await readFile(opts.passwordFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read --password-file ${opts.passwordFile}: ${err.code ?? err.message}`, ExitCode.usage, 'Check the path.');
  });
  return text.replace(/\r?\n$/, '');
}

export function createConnectCommand(overrides: Partial<ConnectDeps> = {}): RegisterCommand {
  const deps: ConnectDeps = { ...defaultDeps, ...overrides };
  return (program, ctx) => {
    const connect = program
      .command('connect')
      .description('Manage saved vCenter / ESXi connections. Passwords go to the OS keychain; certificates are trusted explicitly (rule CONN-THUMBPRINT).');

    connect
      .command('add')
      .description('Check a server\'s certificate, log in once, and save the connection. The password is read from a hidden prompt or from stdin, never from the command line.')
      .argument('<url>', 'vCenter or ESXi address: host name, IP or https://host[:port]/sdk')
      .requiredOption('--user <user>', 'user name, e.g. administrator@vsphere.local or root')
      .option('--name <name>', 'name for the saved connection (default: the server address)')
      .option('--trust-thumbprint <sha256>', 'trust the certificate only if its SHA-256 thumbprint is this one (for scripts; checked, never assumed)')
      .option('--password-stdin', 'read the password from stdin (pipe it in); the default on a non-terminal stdin')
      .option('--password-file <file>', 'read the password from this file (first line)')
      .option('--no-save', 'do not save the password (no OS keychain here, or not wanted): it is checked once, then given per session with --connection-password-file / --connection-password-stdin')
      .addHelpText(
        'after',
        '\nExamples:\n  lifeboat connect add vc01.example.com --user administrator@vsphere.local\n' +
          '  printf %s "$PW" | lifeboat connect add esx07 --user root --password-stdin --trust-thumbprint AB:CD:…\n' +
          '  lifeboat connect add esx07 --user root --password-file pw.txt --no-save   (no keychain: give the password per session)\n',
      )
      .action(
        commandAction(
          ctx,
          rethrowReadable(async (url: string, opts: AddOptions, command: Command) => {
            const { json } = globalOptions(command);
            let address;
            try {
              address = parseServerUrl(url);
            } catch (err) {
              throw new CliError((err as Error).message, ExitCode.usage);
            }
            const store = new ConnectionStore(deps.home());
            const name = opts.name ?? address.server;
            if (await store.get(name)) {
              throw new CliError(`a connection named "${name}" already exists`, ExitCode.usage, `Remove it first (lifeboat connect remove ${name}) or pick another --name.`);
            }
            if (!json) ctx.io.stderr(`Reading the certificate of ${address.server}…\n`);
            const probe = await probeServer(url, store);
            // Another saved connection to this server trusted a different certificate: refuse (CONN-THUMBPRINT).
            if (probe.trust === 'changed') {
              const earlier = (await store.list()).find((p) => p.server === address.server && !sameThumbprint(p.thumbprintSha256, probe.thumbprints.sha256));
              throw new CliError(
                `CONN-THUMBPRINT: ${new CertificateChangedError(address.server, earlier?.thumbprintSha256 ?? '?', probe.thumbprints).message}`,
                ExitCode.blocked,
                `The saved connection "${earlier?.name}" trusts the old certificate. If the change is expected, remove it first (lifeboat connect remove ${earlier?.name}).`,
              );
            }
            await decideTrust(ctx.io, deps, address.server, probe.thumbprints, opts.trustThumbprint);
            const password = await addPassword(ctx.io, deps, `Password for ${opts.user}@${address.server}: `, opts);
            if (!json) ctx.io.stderr(`Logging in to ${address.server} as ${opts.user}…\n`);
            const profile = await addConnection(
              { url, user: opts.user, password, name, trustSha256: probe.thumbprints.sha256, savePassword: opts.save },
              store,
              deps.secrets(),
            );
            printResult(ctx.io, json, { ok: true, connection: { ...profile, hasPassword: opts.save } }, (r) => `Saved connection ${profileText(r.connection)}`);
          }),
        ),
      );

    connect
      .command('list')
      .description('List saved connections (no secrets), with whether a password is saved for each.')
      .action(
        commandAction(ctx, async (_opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          const profiles = await new ConnectionStore(deps.home()).list();
          let accounts: Set<string> | undefined;
          try {
            accounts = new Set(await deps.secrets().accounts());
          } catch {
            accounts = undefined; // Listing must work without a keychain; hasPassword is then unknown (null).
          }
          const rows = profiles.map((p) => ({ ...p, hasPassword: accounts ? hasSavedConnectionPassword(p, accounts) : null }));
          printResult(ctx.io, json, { ok: true, connections: rows }, (r) =>
            r.connections.length === 0 ? 'No saved connections. Add one with `lifeboat connect add URL --user U`.' : r.connections.map(profileText).join('\n'),
          );
        }),
      );

    connect
      .command('remove')
      .description('Delete a saved connection and its password from the OS keychain.')
      .argument('<name>', 'name of the saved connection (see `lifeboat connect list`)')
      .action(
        commandAction(ctx, async (name: string, _opts: unknown, command: Command) => {
          const { json } = globalOptions(command);
          const store = new ConnectionStore(deps.home());
          if (!(await store.get(name))) throw new CliError(`no saved connection named "${name}"`, ExitCode.usage, 'See `lifeboat connect list` for the names.');
          const { passwordRemoved } = await removeConnection(name, store, deps.secrets());
          const removed = { name };
          printResult(ctx.io, json, { ok: true, removed: removed.name, passwordRemoved }, (r) => `Removed connection ${r.removed}${r.passwordRemoved ? ' and its saved password' : ''}.`);
        }),
      );

    const testCommand = connect
      .command('test')
      .description('Connect with a saved profile: checks the pinned certificate, logs in, reads the inventory and reports the CONN-* findings.')
      .argument('<name>', 'name of the saved connection');
    withConnectionPasswordOptions(testCommand).action(
        commandAction(
          ctx,
          rethrowReadable(async (name: string, opts: ConnectionPasswordOptions, command: Command) => {
            const { json } = globalOptions(command);
            const profile = await new ConnectionStore(deps.home()).get(name);
            if (!profile) throw new CliError(`no saved connection named "${name}"`, ExitCode.usage, 'See `lifeboat connect list` for the names.');
            if (!json) ctx.io.stderr(`Connecting to ${profile.server}…\n`);
            const store = new ConnectionStore(deps.home());
            const { secrets, bind } = await cliSessionSecrets(opts, deps.secrets(), store);
            await bind(name);
            const tested = await testConnection(name, store, secrets);
            {
              // A managed host blocks writes (CONN-HOST-MANAGED); the connection itself works.
              const result = { ok: true, ...tested, findings: tested.findings.map((f) => ({ ...f, severity: f.severity === 'block' ? 'blocks-writes' : f.severity })) };
              printResult(ctx.io, json, result, (r) =>
                [
                  `${r.name}: logged in to ${r.product} (${r.apiType}, API ${r.apiVersion}) as ${r.user}`,
                  `  ${r.counts.datacenters} datacenter(s), ${r.counts.hosts} host(s), ${r.counts.datastores} datastore(s), ${r.counts.networks} network(s)`,
                  ...r.findings.map((f) => `  ${f.rule} (${f.severity}): ${f.message}`),
                ].join('\n'),
              );
              // The connection works; the finding tells planners that writes through it are blocked.
              return ExitCode.ok;
            }
          }),
        ),
      );
  };
}

export const registerConnectCommand: RegisterCommand = createConnectCommand();
