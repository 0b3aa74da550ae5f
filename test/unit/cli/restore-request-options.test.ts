import { describe, expect, it } from 'vitest';
import { runCli } from '../../../electron/cli/main';
import { requestFromOptions } from '../../../electron/cli/restore-request-options';
import { captureIo } from '../../support/capture-io';

const base = { repo: '/tmp/repo', point: 'abc', connection: 'lab', datastore: 'ds1', transport: 'auto' };

describe('restore request options (lifeboat plan and restore)', () => {
  it('--firmware, --guest-os and --controller become the request\'s importedVm choices (DATA-NO-CONFIGINFO)', () => {
    expect(requestFromOptions({ ...base, firmware: 'efi', guestOs: 'ubuntu64Guest', controller: 'lsilogic' }).importedVm).toEqual({
      firmware: 'efi',
      guestId: 'ubuntu64Guest',
      controller: 'lsilogic',
    });
    expect(requestFromOptions({ ...base, controller: 'nvme' }).importedVm).toEqual({ controller: 'nvme' });
    expect(requestFromOptions(base).importedVm).toBeUndefined();
  });

  it('a value that is not one of the choices is a usage error naming the option', () => {
    expect(() => requestFromOptions({ ...base, firmware: 'uefi' })).toThrow(/--firmware \(bios or efi\)/);
    expect(() => requestFromOptions({ ...base, controller: 'ide' })).toThrow(/--controller \(pvscsi, lsilogic/);
    expect(() => requestFromOptions({ ...base, guestOs: 'ubuntu 64' })).toThrow(/--guest-os/);
  });

  for (const command of ['plan', 'restore']) {
    it(`\`lifeboat ${command} --help\` lists the imported-point options`, async () => {
      const io = captureIo();
      expect(await runCli([command, '--help'], io)).toBe(0);
      for (const option of ['--firmware <bios|efi>', '--guest-os <id>', '--controller <type>']) expect(io.out()).toContain(option);
      expect(io.out()).toMatch(/imported from an image/);
    });
  }
});

describe('--disk-datastore KEY=NAME (repeatable, *=NAME for the rest)', () => {
  it('becomes the request\'s diskDatastores', () => {
    expect(requestFromOptions({ ...base, diskDatastore: ['2001=lab-nfs', '*=ds2'] }).diskDatastores).toEqual({ '2001': 'lab-nfs', '*': 'ds2' });
    expect(requestFromOptions(base).diskDatastores).toEqual({});
  });
  it('a malformed pair, a key that is not a disk key, or --disks-only is a usage error', () => {
    expect(() => requestFromOptions({ ...base, diskDatastore: ['lab-nfs'] })).toThrow(/--disk-datastore "lab-nfs" is not of the form/);
    expect(() => requestFromOptions({ ...base, diskDatastore: ['disk2=lab-nfs'] })).toThrow(/--disk-datastore: "disk2" is not a disk key/);
    expect(() => requestFromOptions({ ...base, disksOnly: true, diskDatastore: ['2001=lab-nfs'] })).toThrow(/does not go with --disks-only/);
  });
  for (const command of ['plan', 'restore']) {
    it(`\`lifeboat ${command} --help\` lists it`, async () => {
      const io = captureIo();
      expect(await runCli([command, '--help'], io)).toBe(0);
      expect(io.out()).toContain('--disk-datastore <key=name>');
    });
  }
});
