import { execFile } from 'node:child_process';
import { mkdtemp, open, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../../electron/repository/local-folder-backend';
import { Repository } from '../../../electron/repository/repository';
import { pseudoRandomBytes } from '../../../electron/restore-points/demo-disk-layout';
import { qemuImg } from '../disks/qemu-img';
import { cli } from '../../unit/restore-points/cli-io';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const PASSWORD = 'import-export-test-pw';

/** An 8 MiB raw disk: 0xab at 1..2 MiB, pseudo-random bytes at 5 MiB + 4 KiB, the rest holes. */
async function makeRawDisk(path: string): Promise<void> {
  const h = await open(path, 'w');
  try {
    await h.truncate(8 * MiB);
    await h.write(Buffer.alloc(MiB, 0xab), 0, MiB, MiB);
    const noise = pseudoRandomBytes(300 * 1024, 7);
    await h.write(noise, 0, noise.length, 5 * MiB + 4096);
  } finally {
    await h.close();
  }
}

describe('import qemu-img images, export them back (qemu-img judges)', () => {
  let dir: string;
  let repo: string;
  let pwFile: string;
  let raw: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-import-'));
    repo = join(dir, 'repo');
    pwFile = join(dir, 'pw');
    raw = join(dir, 'source.raw');
    await writeFile(pwFile, `${PASSWORD}\n`);
    await Repository.init(new LocalFolderBackend(repo), PASSWORD, { kdf: { name: 'scrypt', N: 1024, r: 8, p: 1 } });
    await makeRawDisk(raw);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const repoArgs = (): string[] => ['--repo', repo, '--password-file', pwFile];

  interface ImportJson {
    ok: boolean;
    pointId: string;
    vm: string;
    unknownFields: string[];
    disks: Array<{ key: number; capacity: number; allocatedBytes: number }>;
  }

  async function importImage(file: string, extra: string[] = []): Promise<ImportJson> {
    const r = await cli(['--json', 'import', ...repoArgs(), file, ...extra]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out);
  }

  for (const subformat of ['streamOptimized', 'monolithicSparse']) {
    it(`imports a qemu-img ${subformat} VMDK; raw and vmdk exports compare identical`, async () => {
      const vmdk = join(dir, `${subformat}.vmdk`);
      expect((await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${subformat}`, raw, vmdk)).code).toBe(0);
      const imported = await importImage(vmdk, ['--name', `vm-${subformat}`, '--disk-key', '2001']);
      expect(imported).toMatchObject({ ok: true, vm: `vm-${subformat}`, source: { kind: 'imported-file', container: 'image' } });
      expect(imported.unknownFields).toEqual(expect.arrayContaining(['keyId', 'nvram', 'disks[].changeId', 'firmware']));
      expect(imported.disks).toEqual([expect.objectContaining({ key: 2001, capacity: 8 * MiB })]);
      // Only what holds data was stored: 1 MiB of 0xab + 300 KiB of noise (rounded to the image's grains).
      expect(imported.disks[0]!.allocatedBytes).toBeGreaterThanOrEqual(MiB + 300 * 1024);
      expect(imported.disks[0]!.allocatedBytes).toBeLessThanOrEqual(3 * MiB);

      const show = await cli(['--json', 'repo', 'show', imported.pointId, ...repoArgs()]);
      const point = JSON.parse(show.out).point;
      expect(point.disks[0].changeId).toBeNull();
      expect(point.keyId).toBeNull();
      expect(point.configInfo.lifeboatImport.source.file).toBe(vmdk);

      const outRaw = join(dir, `${subformat}-out.raw`);
      const ex = await cli([
        'export',
        ...repoArgs(),
        '--point',
        imported.pointId,
        '--disk',
        '2001',
        '--format',
        'raw',
        '--out',
        outRaw,
      ]);
      expect(ex.code).toBe(0);
      expect(ex.out).toContain('verified: identical');
      expect(ex.err).toMatch(/export: .* of .*\(100%\)/);
      const cmpRaw = await qemuImg('compare', '-f', 'raw', '-F', 'raw', raw, outRaw);
      expect(cmpRaw.stdout + cmpRaw.stderr).toContain('Images are identical');
      expect(cmpRaw.code).toBe(0);
      expect((await stat(outRaw)).blocks * 512).toBeLessThan(4 * MiB);

      const outVmdk = join(dir, `${subformat}-out.vmdk`);
      const ev = await cli([
        '--json',
        'export',
        ...repoArgs(),
        '--point',
        imported.pointId,
        '--disk',
        '2001',
        '--format',
        'vmdk',
        '--out',
        outVmdk,
      ]);
      expect(ev.code).toBe(0);
      const result = JSON.parse(ev.out);
      expect(result.verification).toMatchObject({ ok: true });
      expect(result.verification.exportSha256).toBe(result.verification.sourceSha256);
      expect(result.megabytesPerSecond).toBeGreaterThan(0);
      const check = await qemuImg('check', '-f', 'vmdk', outVmdk);
      expect(check.code).toBe(0);
      expect(check.stdout).toContain('No errors were found');
      const info = JSON.parse((await qemuImg('info', '--output=json', outVmdk)).stdout);
      expect(info['format-specific'].data['create-type']).toBe('streamOptimized');
      const cmpVmdk = await qemuImg('compare', '-f', 'raw', '-F', 'vmdk', raw, outVmdk);
      expect(cmpVmdk.code).toBe(0);
    });
  }

  it('imports a raw image (progress on stderr in text mode) and re-exports it as a flat VMDK', async () => {
    const text = await cli(['import', ...repoArgs(), raw, '--name', 'text-mode']);
    expect(text.code).toBe(0);
    expect(text.err).toMatch(/^import source\.raw: .* \(100%\)$/m);
    expect(text.out).toMatch(/Imported .*source\.raw as restore point [0-9a-f]+ of VM text-mode \(raw\)/);
    expect(text.out).toContain('not known for an import: vm.instanceUuid');
    const imported = await importImage(raw);
    expect(imported.vm).toBe('source');
    const out = join(dir, 'flat-out.vmdk');
    const r = await cli([
      'export',
      ...repoArgs(),
      '--point',
      imported.pointId,
      '--disk',
      '2000',
      '--format',
      'vmdk-flat',
      '--out',
      out,
    ]);
    expect(r.code).toBe(0);
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'vmdk', raw, out)).code).toBe(0);
  });

  it('imports a minimal OVA: VM name, guest, firmware, controller and disk from the OVF', async () => {
    const work = join(dir, 'ova');
    await run('mkdir', ['-p', work]);
    const vmdk = join(work, 'appliance-disk1.vmdk');
    expect((await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, vmdk)).code).toBe(0);
    await writeFile(join(work, 'appliance.ovf'), ovfText((await stat(vmdk)).size));
    const ova = join(dir, 'appliance.ova');
    await run('tar', ['-C', work, '--format=ustar', '-cf', ova, 'appliance.ovf', 'appliance-disk1.vmdk']);

    const imported = await importImage(ova);
    expect(imported).toMatchObject({ vm: 'web-appliance', firmware: 'efi', source: { container: 'ova' } });
    expect(imported.unknownFields).toContain('keyId');
    expect(imported.unknownFields).not.toContain('firmware');
    expect(imported.disks).toEqual([
      expect.objectContaining({
        key: 2000,
        label: 'Hard disk 1',
        capacity: 8 * MiB,
        fileName: 'appliance-disk1.vmdk',
        controller: { type: 'ParaVirtualSCSIController', busNumber: 0, unitNumber: 0 },
      }),
    ]);
    const show = JSON.parse((await cli(['--json', 'repo', 'show', imported.pointId, ...repoArgs()])).out).point;
    expect(show.configInfo.guestId).toBe('otherLinux64Guest');
    expect(show.configInfo.hardware).toMatchObject({ numCPU: 2, memoryMB: 1024 });

    const out = join(dir, 'ova-out.raw');
    expect(
      (await cli(['export', ...repoArgs(), '--point', imported.pointId, '--disk', '2000', '--format', 'raw', '--out', out])).code,
    ).toBe(0);
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'raw', raw, out)).code).toBe(0);
  });

  it('imports every disk of a two-disk OVA (pax tar), each on its controller', async () => {
    const work = join(dir, 'ova2');
    await run('mkdir', ['-p', work]);
    const second = join(dir, 'second.raw');
    await writeFile(second, pseudoRandomBytes(2 * MiB, 99));
    const names = ['two-disk1.vmdk', 'two-disk2.vmdk'];
    for (const [i, src] of [raw, second].entries()) {
      const r = await qemuImg(
        'convert',
        '-f',
        'raw',
        '-O',
        'vmdk',
        '-o',
        'subformat=streamOptimized',
        src,
        join(work, names[i]!),
      );
      expect(r.code).toBe(0);
    }
    const ovf = ovfText(0)
      .replace(
        '<File ovf:href="appliance-disk1.vmdk" ovf:id="file1" ovf:size="0"/>',
        `<File ovf:href="${names[0]}" ovf:id="file1"/><File ovf:href="${names[1]}" ovf:id="file2"/>`,
      )
      .replace('</DiskSection>', '<Disk ovf:capacity="2097152" ovf:diskId="vmdisk2" ovf:fileRef="file2"/></DiskSection>')
      .replace(
        '<vmw:Config',
        '<Item><rasd:Address>1</rasd:Address><rasd:ElementName>IDE 1</rasd:ElementName><rasd:InstanceID>5</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType></Item>' +
          '<Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 2</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk2</rasd:HostResource><rasd:InstanceID>6</rasd:InstanceID><rasd:Parent>5</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>' +
          '<vmw:Config',
      );
    await writeFile(join(work, 'two.ovf'), ovf);
    const ova = join(dir, 'two.ova');
    await run('tar', ['-C', work, '--format=pax', '-cf', ova, 'two.ovf', ...names]);

    const imported = await importImage(ova, ['--name', 'renamed-vm']);
    expect(imported.vm).toBe('renamed-vm');
    expect(imported.disks).toEqual([
      expect.objectContaining({ key: 2000, label: 'Hard disk 1', capacity: 8 * MiB }),
      expect.objectContaining({
        key: 2001,
        label: 'Hard disk 2',
        capacity: 2 * MiB,
        allocatedBytes: 2 * MiB,
        controller: { type: 'VirtualIDEController', busNumber: 1, unitNumber: 0 },
      }),
    ]);
    const out = join(dir, 'two-disk2.raw');
    expect(
      (await cli(['export', ...repoArgs(), '--point', imported.pointId, '--disk', '2001', '--format', 'raw', '--out', out])).code,
    ).toBe(0);
    expect((await qemuImg('compare', '-f', 'raw', '-F', 'raw', second, out)).code).toBe(0);
  });

  it('reports a truncated VMDK and a tar without .ovf as bad input (exit 2), naming the problem', async () => {
    const cut = join(dir, 'truncated.vmdk');
    expect((await qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, cut)).code).toBe(0);
    await truncate(cut, Math.floor((await stat(cut)).size / 2));
    const r1 = await cli(['import', ...repoArgs(), cut]);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/cannot import .*truncated\.vmdk: .*at byte \d+/);
    expect(r1.err).toContain('truncated');

    // The same damage inside an OVA is reported against the OVA entry, not a temp copy.
    const badOva = join(dir, 'damaged');
    await run('mkdir', ['-p', badOva]);
    await run('cp', [cut, join(badOva, 'appliance-disk1.vmdk')]);
    await writeFile(join(badOva, 'appliance.ovf'), ovfText(0));
    const damaged = join(dir, 'damaged.ova');
    await run('tar', ['-C', badOva, '-cf', damaged, 'appliance.ovf', 'appliance-disk1.vmdk']);
    const r0 = await cli(['import', ...repoArgs(), damaged]);
    expect(r0.code).toBe(2);
    expect(r0.err).toContain(`cannot import ${damaged}:appliance-disk1.vmdk: at byte`);

    const work = join(dir, 'noovf');
    await run('mkdir', ['-p', work]);
    await writeFile(join(work, 'readme.txt'), 'no descriptor here');
    const tarFile = join(dir, 'no-ovf.ova');
    await run('tar', ['-C', work, '-cf', tarFile, 'readme.txt']);
    const r2 = await cli(['--json', 'import', ...repoArgs(), tarFile]);
    expect(r2.code).toBe(2);
    expect(JSON.parse(r2.out).error.message).toContain('holds no .ovf descriptor');

    const missing = await cli(['import', ...repoArgs(), join(dir, 'nope.vmdk')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('ENOENT');
  });
});

function ovfText(vmdkSize: number): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Envelope vmw:buildId="build-1" xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1"
  xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData"
  xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData"
  xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <References>
    <File ovf:href="appliance-disk1.vmdk" ovf:id="file1" ovf:size="${vmdkSize}"/>
  </References>
  <DiskSection>
    <Info>Virtual disk information</Info>
    <Disk ovf:capacity="8" ovf:capacityAllocationUnits="byte * 2^20" ovf:diskId="vmdisk1" ovf:fileRef="file1"
      ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized" ovf:populatedSize="1441792"/>
  </DiskSection>
  <VirtualSystem ovf:id="web-appliance">
    <Info>A virtual machine</Info>
    <Name>web-appliance</Name>
    <OperatingSystemSection ovf:id="101" vmw:osType="otherLinux64Guest">
      <Info>The kind of installed guest operating system</Info>
      <Description>Other Linux (64-bit)</Description>
    </OperatingSystemSection>
    <VirtualHardwareSection>
      <Info>Virtual hardware requirements</Info>
      <System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:VirtualSystemType>vmx-19</vssd:VirtualSystemType></System>
      <Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>2 virtual CPU(s)</rasd:ElementName><rasd:InstanceID>1</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>2</rasd:VirtualQuantity></Item>
      <Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>1024MB of memory</rasd:ElementName><rasd:InstanceID>2</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>1024</rasd:VirtualQuantity></Item>
      <Item><rasd:Address>0</rasd:Address><rasd:ElementName>SCSI Controller 0</rasd:ElementName><rasd:InstanceID>3</rasd:InstanceID><rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>
      <Item><rasd:AddressOnParent>0</rasd:AddressOnParent><rasd:ElementName>Hard disk 1</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk1</rasd:HostResource><rasd:InstanceID>4</rasd:InstanceID><rasd:Parent>3</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>
      <vmw:Config ovf:required="false" vmw:key="firmware" vmw:value="efi"/>
    </VirtualHardwareSection>
  </VirtualSystem>
</Envelope>
`;
}
