import type { Command } from 'commander';
import { resolve } from 'node:path';
import { RestoreRequest, type ImportedVmChoices, type RestoreRequestInput } from '../api/schemas/restore-request';
import { CliError, ExitCode } from './cli-error';

/** The command-line form of a restore request, shared by `plan` (live) and `restore`, so both take the same options. */
export interface RestoreRequestOptions {
  repo?: string;
  point?: string;
  connection?: string;
  datastore?: string;
  host?: string;
  resourcePool?: string;
  folder?: string;
  name?: string;
  transport?: string;
  disksOnly?: boolean;
  intoVm?: string;
  addAsNew?: boolean;
  powerOffTarget?: boolean;
  diskMap?: string[];
  diskFormat?: string[];
  diskDatastore?: string[];
  networkMap?: string[];
  powerOn?: boolean;
  encryption?: string;
  storagePolicy?: string;
  hardwareVersion?: string;
  firmware?: string;
  guestOs?: string;
  controller?: string;
  verify?: boolean;
  reason?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function withRestoreRequestOptions(cmd: Command): Command {
  return cmd
    .option('--point <id>', 'restore point id or unique prefix (see `lifeboat repo list`)')
    .option('--connection <name>', 'saved connection of the target vCenter or ESXi host')
    .option('--datastore <name>', 'target datastore')
    .option('--host <name>', 'target ESXi host (default: a connected host that reaches the datastore)')
    .option('--resource-pool <name>', 'resource pool for the new VM (default: the host\'s)')
    .option('--folder <name>', 'VM folder for the new VM (default: the datacenter\'s)')
    .option('--name <vm>', 'name of the restored VM (default: <original>-restored)')
    .option('--transport <mode>', 'auto picks by the rules; or one of san, hotadd, nbdssl, nbd', 'auto')
    .option('--disks-only', 'restore disks into an existing VM instead of creating a new VM')
    .option('--into-vm <name>', 'with --disks-only: the VM written into (default: the original)')
    .option('--add-as-new', 'with --disks-only: add the disks to the VM as new disks instead of overwriting')
    .option('--power-off-target', 'with --disks-only: power the target VM off first if it is running (instead of stopping; a hard power-off)')
    .option('--disk-map <point=target>', 'with --disks-only: write restore-point disk KEY into target disk KEY (repeatable)', collect)
    .option('--disk-format <[key=]format>', 'restored disk format: as-source, thin, thick-lazy or thick-eager; KEY=FORMAT for one disk (repeatable)', collect)
    .option('--disk-datastore <key=name>', 'put restore-point disk KEY on datastore NAME instead of --datastore; *=NAME for every disk not named (repeatable; a new VM only)', collect)
    .option('--network-map <source=target>', 'connect NICs of source network SOURCE to TARGET (repeatable)', collect)
    .option('--power-on', 'power the VM on after the restore (default: it stays powered off)')
    .option('--encryption <choice>', 'keep (same keys), new-keys or unencrypted; required when the original keys cannot be used')
    .option('--storage-policy <name>', 'encryption storage policy for an encrypted restore (default: the saved one, else "VM Encryption Policy")')
    .option('--hardware-version <vmx-NN>', 'create the VM with this (lower) hardware version when the host does not support the saved one')
    .option('--firmware <bios|efi>', 'a point imported from an image (DATA-NO-CONFIGINFO): firmware of the VM built for it (default: what the image said, else bios)')
    .option('--guest-os <id>', 'a point imported from an image: vSphere guest OS id, e.g. ubuntu64Guest (default: what the image said, else a generic one)')
    .option('--controller <type>', 'a point imported from an image: disk controller, one of pvscsi, lsilogic, lsisas, buslogic, sata, nvme (default: pvscsi)')
    .option('--no-verify', 'skip reading every disk back after writing')
    .option('--reason <text>', 'why this restore is done (kept in the report for the audit trail)');
}

/** "a=b" pairs of a repeatable option, with an error naming the option and the bad value. */
function pairs(option: string, values: string[] | undefined): Array<[string, string]> {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw new CliError(`--${option} "${v}" is not of the form SOURCE=TARGET`, ExitCode.usage, `For example: --${option} ${option === 'disk-map' ? '2000=2001' : option === 'disk-datastore' ? '2001=ds-nfs-01' : '"Prod-VLAN10=DR-VLAN10"'}`);
    return [v.slice(0, i), v.slice(i + 1)];
  });
}

function diskKey(option: string, text: string): string {
  if (!/^-?\d+$/.test(text)) throw new CliError(`--${option}: "${text}" is not a disk key`, ExitCode.usage, 'Disk keys are numbers such as 2000; see `lifeboat repo show ID`.');
  return text;
}

/** The request from the options; every missing or malformed value is a usage error (exit 2) that names it. */
export function requestFromOptions(opts: RestoreRequestOptions): RestoreRequest {
  const missing = (['point', 'connection', 'datastore'] as const).filter((k) => !opts[k]);
  if (missing.length) {
    throw new CliError(`missing ${missing.map((m) => `--${m}`).join(', ')}`, ExitCode.usage, 'See `lifeboat restore --help`, or continue a job with --resume JOB.');
  }
  const repo = opts.repo ?? process.env.LIFEBOAT_REPO;
  if (!repo) throw new CliError('no repository given', ExitCode.usage, 'Pass --repo DIR (or set LIFEBOAT_REPO).');
  if (!opts.disksOnly && (opts.addAsNew || opts.intoVm || opts.diskMap?.length || opts.powerOffTarget)) {
    throw new CliError('--into-vm, --add-as-new, --disk-map and --power-off-target go with --disks-only', ExitCode.usage);
  }
  const diskProvisioning: Record<string, string> = {};
  for (const v of opts.diskFormat ?? []) {
    const [key, format] = v.includes('=') ? pairs('disk-format', [v])[0]! : ['*', v];
    diskProvisioning[key === '*' ? key : diskKey('disk-format', key)] = format;
  }
  if (opts.disksOnly && opts.diskDatastore?.length) {
    throw new CliError('--disk-datastore places the disks of a new VM; it does not go with --disks-only', ExitCode.usage, 'Leave it out: a disks restore writes the VM\'s disks where they are, new disks go to --datastore.');
  }
  const diskDatastores: Record<string, string> = {};
  for (const [key, name] of pairs('disk-datastore', opts.diskDatastore)) diskDatastores[key === '*' ? key : diskKey('disk-datastore', key)] = name;
  const input: RestoreRequestInput = {
    repo: resolve(repo),
    point: opts.point!,
    connection: opts.connection!,
    datastore: opts.datastore!,
    host: opts.host,
    resourcePool: opts.resourcePool,
    vmFolder: opts.folder,
    name: opts.name,
    transport: opts.transport as RestoreRequestInput['transport'],
    kind: opts.disksOnly ? 'disks' : 'full-vm',
    intoVm: opts.intoVm,
    addAsNew: Boolean(opts.addAsNew),
    powerOffTarget: Boolean(opts.powerOffTarget),
    diskMap: Object.fromEntries(pairs('disk-map', opts.diskMap).map(([a, b]) => [diskKey('disk-map', a), Number(diskKey('disk-map', b))])),
    diskProvisioning: diskProvisioning as RestoreRequestInput['diskProvisioning'],
    diskDatastores,
    networkMap: Object.fromEntries(pairs('network-map', opts.networkMap)),
    powerOn: Boolean(opts.powerOn),
    encryption: (opts.encryption ?? 'keep') as RestoreRequestInput['encryption'],
    encryptionChosen: opts.encryption !== undefined,
    storagePolicy: opts.storagePolicy,
    // "19" is read as vSphere's "vmx-19".
    hardwareVersion: opts.hardwareVersion && /^\d+$/.test(opts.hardwareVersion) ? `vmx-${opts.hardwareVersion}` : opts.hardwareVersion,
    importedVm:
      opts.firmware || opts.guestOs || opts.controller
        ? { firmware: opts.firmware as 'bios' | 'efi' | undefined, guestId: opts.guestOs, controller: opts.controller as ImportedVmChoices['controller'] }
        : undefined,
    verify: opts.verify !== false,
    reason: opts.reason,
  };
  const r = RestoreRequest.safeParse(input);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const field = first.path[0] === 'importedVm' ? `importedVm.${String(first.path[1])}` : String(first.path[0]);
    const option = OPTION_OF[field] ?? field;
    throw new CliError(`${option}: ${first.message}${first.path.length > 1 ? ` (${first.path.slice(1).join('.')})` : ''}`, ExitCode.usage, 'See `lifeboat restore --help`.');
  }
  return r.data;
}

const OPTION_OF: Record<string, string> = {
  transport: '--transport (auto, san, hotadd, nbdssl or nbd)',
  encryption: '--encryption (keep, new-keys or unencrypted)',
  diskProvisioning: '--disk-format (as-source, thin, thick-lazy or thick-eager)',
  hardwareVersion: '--hardware-version',
  'importedVm.firmware': '--firmware (bios or efi)',
  'importedVm.guestId': '--guest-os',
  'importedVm.controller': '--controller (pvscsi, lsilogic, lsisas, buslogic, sata or nvme)',
  networkMap: '--network-map',
  diskMap: '--disk-map',
  diskDatastores: '--disk-datastore',
  name: '--name',
  reason: '--reason',
};
