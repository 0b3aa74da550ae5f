import { describe, expect, it } from 'vitest';
import { parseHardwareVersionArg, parseNetworkMapArgs } from '../../../electron/restore/restore-choice-args';

describe('restore choices given as text', () => {
  it('--network-map SRC=DST, repeatable, names may hold spaces and "="', () => {
    expect(parseNetworkMapArgs(['VM Network=Production', 'db=vlan=20', ' backup = Backup LAN '])).toEqual({ 'VM Network': 'Production', db: 'vlan=20', backup: 'Backup LAN' });
    expect(() => parseNetworkMapArgs(['VM Network'])).toThrow(/not SOURCE=TARGET/);
    expect(() => parseNetworkMapArgs(['=x'])).toThrow(/not SOURCE=TARGET/);
    expect(() => parseNetworkMapArgs(['a=b', 'a=c'])).toThrow(/maps "a" twice/);
  });

  it('--hardware-version vmx-NN (or NN) in the vmx-NN form vSphere uses', () => {
    expect(parseHardwareVersionArg('vmx-19')).toBe('vmx-19');
    expect(parseHardwareVersionArg('8')).toBe('vmx-08');
    expect(() => parseHardwareVersionArg('nineteen')).toThrow(/write e.g. vmx-19/);
  });
});
