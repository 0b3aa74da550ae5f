import { describe, expect, it } from 'vitest';
import { classifyFirmwareIdentity, detectVirtualization } from '../../../electron/environment/virtualization';

const files = (map: Record<string, string>) => async (path: string) => map[path] ?? null;
const noCommands = async () => null;

describe('workstation virtualization detection', () => {
  it.each([
    ['VMware, Inc.', 'VMware Virtual Platform', 'VMware'],
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)', 'QEMU/KVM'],
    ['innotek GmbH', 'VirtualBox', 'VirtualBox'],
    ['Microsoft Corporation', 'Virtual Machine', 'Hyper-V'],
    ['Amazon EC2', 'm5.large', 'Amazon EC2'],
    ['Xen', 'HVM domU', 'Xen'],
  ])('recognises %s / %s as %s', (vendor, product, hypervisor) => {
    expect(classifyFirmwareIdentity(vendor, product)).toBe(hypervisor);
  });

  it.each([
    ['Dell Inc.', 'PowerEdge R750'],
    ['LENOVO', '20XW0026GE'],
    ['Microsoft Corporation', 'Surface Laptop 5'],
  ])('treats %s / %s as physical', (vendor, product) => {
    expect(classifyFirmwareIdentity(vendor, product)).toBeNull();
  });

  it('reads DMI on Linux and says so', async () => {
    const facts = await detectVirtualization(
      'linux',
      files({ '/sys/class/dmi/id/sys_vendor': 'VMware, Inc.', '/sys/class/dmi/id/product_name': 'VMware7,1' }),
      noCommands,
    );
    expect(facts).toMatchObject({ isVirtualMachine: true, hypervisor: 'VMware', vendor: 'VMware, Inc.' });
    expect(facts.evidence).toMatch(/DMI/);
  });

  it('falls back to the CPU hypervisor flag without DMI', async () => {
    const facts = await detectVirtualization('linux', files({ '/proc/cpuinfo': 'processor : 0\nflags : fpu vme hypervisor sse\n' }), noCommands);
    expect(facts.isVirtualMachine).toBe(true);
    expect(facts.evidence).toMatch(/cpuinfo/);
  });

  it('says "unknown" rather than guessing when nothing is readable', async () => {
    const facts = await detectVirtualization('linux', files({}), noCommands);
    expect(facts.isVirtualMachine).toBeNull();
  });

  it('uses kern.hv_vmm_present on macOS and Win32_ComputerSystem on Windows', async () => {
    const mac = await detectVirtualization('darwin', files({}), async (_f, args) => (args[1] === 'kern.hv_vmm_present' ? '1' : 'VMware7,1'));
    expect(mac).toMatchObject({ isVirtualMachine: true, hypervisor: 'VMware' });
    const win = await detectVirtualization('win32', files({}), async () => 'Dell Inc.\nLatitude 7440');
    expect(win).toMatchObject({ isVirtualMachine: false, vendor: 'Dell Inc.', product: 'Latitude 7440' });
  });

  it('reads this machine without throwing', async () => {
    const facts = await detectVirtualization();
    expect(facts.evidence.length).toBeGreaterThan(0);
  });
});
