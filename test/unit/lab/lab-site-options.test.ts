import { describe, expect, it } from 'vitest';
import { labInfoSchema } from '../../../electron/lab/lab-info';
import { labStateSchema } from '../../../electron/lab/lab-state';
import { vcsimArgs } from '../../../electron/lab/vcsim-process';

const line = {
  url: 'https://127.0.0.1:4443/sdk',
  username: 'administrator@vsphere.local',
  password: 'Lb-x',
  thumbprintSha1: Array(20).fill('AB').join(':'),
  thumbprintSha256: Array(32).fill('AB').join(':'),
  mode: 'vcenter',
  datacenter: 'DC0',
  datastores: [],
  hosts: [],
  vms: [],
  bulkVms: 0,
  bulkVmPrefix: 'lab-vm-',
  keyProviders: [],
  storagePolicies: [],
  pid: 1,
};

describe('the lab site option', () => {
  it('passes --site to the simulator only when asked, so the default lab does not change', () => {
    expect(vcsimArgs({})).not.toContain('--site');
    expect(vcsimArgs({ site: true, vms: 0 })).toEqual(['--mode', 'vcenter', '--listen', '127.0.0.1:0', '--vms', '0', '--site']);
  });

  it('reads a JSON line without siteVms (the default lab) as no site, and keeps a site lab\'s VMs', () => {
    expect(labInfoSchema.parse(line).siteVms).toEqual([]);
    const dc01 = { name: 'dc01', role: 'identity', host: 'DC0_C0_H0', datastore: 'site-ds-01', diskMiB: [32], firmware: 'efi', encryption: 'home', guestId: 'windows2019srv_64Guest' };
    expect(labInfoSchema.parse({ ...line, siteVms: [dc01] }).siteVms).toEqual([dc01]);
    expect(() => labInfoSchema.parse({ ...line, siteVms: [{ ...dc01, encryption: 'partly' }] })).toThrow();
  });

  it('reads a lab state file written before site mode existed', () => {
    const state = {
      pid: 1, mode: 'vcenter', url: line.url, username: line.username, thumbprintSha1: line.thumbprintSha1, thumbprintSha256: line.thumbprintSha256,
      datacenter: 'DC0', datastores: [], hosts: [], vms: [], bulkVms: 4, keychainAccount: 'a', passwordSaved: true, binary: '/b', logFile: '/l',
      vddkConfigFile: '/c', startedAt: '2026-11-29T20:00:00Z',
    };
    expect(labStateSchema.parse(state).siteVms).toEqual([]);
  });
});
