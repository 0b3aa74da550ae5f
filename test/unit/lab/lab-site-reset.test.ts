import { describe, expect, it } from 'vitest';
import { startOptionsOf } from '../../../electron/engine/lab-handlers';
import type { LabState } from '../../../electron/lab/lab-state';

function state(over: Partial<LabState>): LabState {
  return {
    pid: 1, mode: 'vcenter', url: 'https://127.0.0.1:1/sdk', username: 'administrator@vsphere.local', thumbprintSha1: 'x', thumbprintSha256: 'y',
    datacenter: 'DC0', datastores: [], hosts: [], vms: [], bulkVms: 4, siteVms: [], keychainAccount: 'a', passwordSaved: true, binary: '/b',
    logFile: '/l', vddkConfigFile: '/c', startedAt: '2026-11-29T20:00:00Z', ...over,
  };
}
const host = (name: string, cluster?: string) => ({ name, moref: name, ...(cluster ? { cluster } : {}) });
const dc01 = { name: 'dc01', role: 'identity' as const, host: 'DC0_C0_H0', datastore: 'site-ds-01', diskMiB: [32], firmware: 'efi' as const, encryption: 'home' as const, guestId: 'w' };

describe('resetting the lab from the Lab page brings back the same lab', () => {
  it('starts a site lab again as a site lab with as many cluster hosts', () => {
    const site = state({ hosts: [host('DC0_C0_H0', 'DC0_C0'), host('DC0_C0_H1', 'DC0_C0'), host('DC0_C0_H2', 'DC0_C0'), host('DC0_H0')], siteVms: [dc01], bulkVms: 0 });
    expect(startOptionsOf(site)).toEqual({ mode: 'vcenter', hosts: 3, vms: 0, site: true });
  });

  it('counts only the cluster\'s hosts (the standalone DC0_H0 is always there), so a default lab keeps 2', () => {
    const plain = state({ hosts: [host('DC0_C0_H0', 'DC0_C0'), host('DC0_C0_H1', 'DC0_C0'), host('DC0_H0')] });
    expect(startOptionsOf(plain)).toEqual({ mode: 'vcenter', hosts: 2, vms: 4, site: false });
  });
});
