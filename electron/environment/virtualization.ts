import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Whether the workstation itself is a virtual machine (decides SAN vs HotAdd: XPORT-SAN-NEEDS-PHYSICAL, XPORT-HOTADD-NEEDS-VM). */
export interface VirtualizationFacts {
  isVirtualMachine: boolean | null;
  vendor: string | null;
  product: string | null;
  hypervisor: string | null;
  evidence: string;
}

/** Vendor/product strings that firmware of common hypervisors reports, and the hypervisor they mean. */
const SIGNATURES: Array<{ pattern: RegExp; hypervisor: string }> = [
  { pattern: /vmware/i, hypervisor: 'VMware' },
  { pattern: /virtualbox|innotek/i, hypervisor: 'VirtualBox' },
  { pattern: /\bqemu\b|\bkvm\b/i, hypervisor: 'QEMU/KVM' },
  { pattern: /\bxen\b/i, hypervisor: 'Xen' },
  { pattern: /parallels/i, hypervisor: 'Parallels' },
  { pattern: /amazon ec2/i, hypervisor: 'Amazon EC2' },
  { pattern: /google compute engine/i, hypervisor: 'Google Compute Engine' },
  { pattern: /bochs/i, hypervisor: 'Bochs' },
  { pattern: /openstack/i, hypervisor: 'OpenStack' },
  { pattern: /^virtual machine$/i, hypervisor: 'Hyper-V' },
];

/** Matches firmware identity strings against known hypervisors; Hyper-V reports "Microsoft Corporation" + "Virtual Machine". */
export function classifyFirmwareIdentity(vendor: string | null, product: string | null): string | null {
  for (const text of [product, vendor]) {
    if (!text) continue;
    for (const s of SIGNATURES) if (s.pattern.test(text.trim())) return s.hypervisor;
  }
  return null;
}

export type FileReader = (path: string) => Promise<string | null>;
export type CommandRunner = (file: string, args: string[]) => Promise<string | null>;

const readText: FileReader = async (path) => {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch {
    return null;
  }
};

const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { timeout: 5000, windowsHide: true }, (err, stdout) => resolve(err ? null : String(stdout).trim()));
  });

async function linuxFacts(read: FileReader): Promise<VirtualizationFacts> {
  const vendor = await read('/sys/class/dmi/id/sys_vendor');
  const product = await read('/sys/class/dmi/id/product_name');
  const hypervisor = classifyFirmwareIdentity(vendor, product);
  if (vendor !== null || product !== null) {
    return {
      isVirtualMachine: hypervisor !== null,
      vendor,
      product,
      hypervisor,
      evidence: 'DMI: /sys/class/dmi/id/sys_vendor and product_name',
    };
  }
  // No DMI (containers, some ARM boards): the CPU's hypervisor flag is the next best witness.
  const cpuinfo = await read('/proc/cpuinfo');
  if (cpuinfo !== null) {
    const flagged = /^flags\s*:.*\bhypervisor\b/m.test(cpuinfo);
    return {
      isVirtualMachine: flagged,
      vendor: null,
      product: null,
      hypervisor: flagged ? 'unknown hypervisor' : null,
      evidence: 'CPU flags in /proc/cpuinfo (no DMI information available)',
    };
  }
  return { isVirtualMachine: null, vendor: null, product: null, hypervisor: null, evidence: 'no DMI or CPU information readable' };
}

async function windowsFacts(run: CommandRunner): Promise<VirtualizationFacts> {
  const out = await run('powershell.exe', [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    '$c = Get-CimInstance Win32_ComputerSystem; "$($c.Manufacturer)`n$($c.Model)"',
  ]);
  if (out === null) {
    return { isVirtualMachine: null, vendor: null, product: null, hypervisor: null, evidence: 'Win32_ComputerSystem not readable' };
  }
  const [vendor = null, product = null] = out.split(/\r?\n/).map((s) => s.trim() || null);
  const hypervisor = classifyFirmwareIdentity(vendor, product);
  return { isVirtualMachine: hypervisor !== null, vendor, product, hypervisor, evidence: 'Win32_ComputerSystem Manufacturer/Model' };
}

async function macFacts(run: CommandRunner): Promise<VirtualizationFacts> {
  const present = await run('sysctl', ['-n', 'kern.hv_vmm_present']);
  const model = await run('sysctl', ['-n', 'hw.model']);
  if (present === null) {
    return { isVirtualMachine: null, vendor: 'Apple', product: model, hypervisor: null, evidence: 'sysctl kern.hv_vmm_present not readable' };
  }
  const isVm = present === '1';
  return {
    isVirtualMachine: isVm,
    vendor: 'Apple',
    product: model,
    hypervisor: isVm ? (classifyFirmwareIdentity(null, model) ?? 'unknown hypervisor') : null,
    evidence: 'sysctl kern.hv_vmm_present',
  };
}

/** Detects whether this workstation is a VM, with the evidence used. */
export function detectVirtualization(
  platform: NodeJS.Platform = process.platform,
  read: FileReader = readText,
  run: CommandRunner = runCommand,
): Promise<VirtualizationFacts> {
  if (platform === 'win32') return windowsFacts(run);
  if (platform === 'darwin') return macFacts(run);
  return linuxFacts(read);
}
