import { describe, expect, it } from 'vitest';
import { nvramFileOf, parseDatastorePath } from '../../../electron/vsphere/datastore-files';

describe('datastore paths', () => {
  it('splits "[datastore] folder/file"', () => {
    expect(parseDatastorePath('[ssd a] web01/web01.vmx')).toEqual({ datastore: 'ssd a', path: 'web01/web01.vmx' });
    expect(parseDatastorePath('[ds1]')).toEqual({ datastore: 'ds1', path: '' });
    expect(() => parseDatastorePath('/vmfs/volumes/ds1/x.vmx')).toThrow(/not a datastore path/);
  });

  it('locates the NVRAM file from the nvram option or the VM name', () => {
    const base = { name: 'web01', vmPathName: '[ds1] web01_1/web01.vmx', extraConfig: [] };
    expect(nvramFileOf('DC0', base)).toEqual({ datacenter: 'DC0', datastore: 'ds1', path: 'web01_1/web01.nvram' });
    expect(nvramFileOf('DC0', { ...base, extraConfig: [{ key: 'nvram', value: 'custom.nvram' }] }).path).toBe('web01_1/custom.nvram');
    expect(nvramFileOf('DC0', { ...base, extraConfig: [{ key: 'nvram', value: '[ds2] keep/web01.nvram' }] })).toEqual({ datacenter: 'DC0', datastore: 'ds2', path: 'keep/web01.nvram' });
    expect(() => nvramFileOf('DC0', { ...base, vmPathName: undefined })).toThrow(/no \.vmx path/);
  });
});
