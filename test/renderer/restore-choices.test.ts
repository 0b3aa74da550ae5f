import { describe, expect, it } from 'vitest';
import { initialChoices, plannable, requestOf } from '../../renderer/src/restore/restore-choices';

const point = { repositoryId: 'r1', pointId: 'p1' };
const keep = { choice: 'keep' as const, chosen: false };

describe('the restore request the wizard sends', () => {
  it('a new VM: name, placement, per-disk format, network map, power on and reason; empty choices are left to the engine', () => {
    const request = requestOf(
      {
        ...initialChoices,
        connection: 'vc01', datastore: ' ds1 ', host: 'esx1', resourcePool: '', vmFolder: 'restored', name: 'web01-restored',
        diskFormats: { '2000': 'thick-eager', '2001': 'as-source' }, networkMap: { 'VM Network': 'prod', Backup: '' }, powerOn: true, reason: ' ticket 42 ',
      },
      point,
      keep,
    );
    expect(request).toEqual({
      repositoryId: 'r1', point: 'p1', connection: 'vc01', datastore: 'ds1', host: 'esx1', vmFolder: 'restored', transport: 'auto', kind: 'full-vm',
      encryption: 'keep', encryptionChosen: false, verify: true, powerOn: true, reason: 'ticket 42', name: 'web01-restored',
      diskProvisioning: { '2000': 'thick-eager' }, networkMap: { 'VM Network': 'prod' },
    });
  });

  it('an imported point: only the defaults the user replaced are sent (importedVm), and only for a new VM', () => {
    const chosen = { ...initialChoices, connection: 'vc01', datastore: 'ds1', importedVm: { firmware: 'efi' as const, guestId: ' ubuntu64Guest ', controller: '' } };
    expect(requestOf(chosen, point, keep).importedVm).toEqual({ firmware: 'efi', guestId: 'ubuntu64Guest' });
    expect(requestOf({ ...initialChoices, connection: 'vc01', datastore: 'ds1' }, point, keep)).not.toHaveProperty('importedVm');
    expect(requestOf({ ...chosen, mode: 'overwrite' }, point, keep)).not.toHaveProperty('importedVm');
  });

  it("overwrites the original VM's disks, or adds them as new disks to another VM", () => {
    const overwrite = requestOf({ ...initialChoices, mode: 'overwrite', connection: 'vc01', datastore: 'ds1', name: 'ignored' }, point, keep);
    expect(overwrite).toMatchObject({ kind: 'disks' });
    expect(overwrite).not.toHaveProperty('name');
    expect(overwrite).not.toHaveProperty('addAsNew');
    const add = requestOf({ ...initialChoices, mode: 'add-disks', connection: 'vc01', datastore: 'ds1', intoVm: 'app02' }, point, keep);
    expect(add).toMatchObject({ kind: 'disks', intoVm: 'app02', addAsNew: true });
  });

  it('plans only once a connection and a datastore are chosen (and the VM to add disks to)', () => {
    expect(plannable({ ...initialChoices, connection: 'vc01' })).toBe(false);
    expect(plannable({ ...initialChoices, connection: 'vc01', datastore: 'ds1' })).toBe(true);
    expect(plannable({ ...initialChoices, mode: 'add-disks', connection: 'vc01', datastore: 'ds1' })).toBe(false);
  });
});

describe('a datastore per disk in the request', () => {
  it('sends only the disks placed off the VM\'s datastore, and only for a new VM', () => {
    const c = { ...initialChoices, connection: 'vc01', datastore: 'ds1', diskDatastores: { '2000': 'ds1', '2001': 'nfs1', '2002': '' } };
    expect(requestOf(c, point, keep).diskDatastores).toEqual({ '2001': 'nfs1' });
    expect(requestOf({ ...c, mode: 'overwrite' }, point, keep)).not.toHaveProperty('diskDatastores');
  });
});
