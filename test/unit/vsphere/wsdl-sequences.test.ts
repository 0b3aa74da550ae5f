import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METHOD_PARAMETERS, WSDL_SEQUENCES } from '../../../electron/vsphere/wsdl-sequences';

const ENGINE = join(__dirname, '../../../electron');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const engineText = sources(ENGINE).map((f) => readFileSync(f, 'utf8')).join('\n');

/**
 * vCenter refuses data objects whose elements are out of WSDL order; the
 * encoder orders them by these tables, so every type and method the engine
 * writes must be in them (controllers and NICs take their type from the
 * saved ConfigInfo, hence the device families below).
 */
describe('WSDL sequences cover what the engine sends', () => {
  it('every data object type written as a literal $type', () => {
    const types = new Set([...engineText.matchAll(/\$type: '([A-Za-z]+)'/g)].map((m) => m[1]!));
    expect(types.size).toBeGreaterThan(10);
    const missing = [...types].filter((t) => !WSDL_SEQUENCES[t]);
    expect(missing).toEqual([]);
  });

  it('every controller and NIC type a saved ConfigInfo can bring', () => {
    const devices = ['ParaVirtualSCSIController', 'VirtualLsiLogicController', 'VirtualLsiLogicSASController', 'VirtualBusLogicController', 'VirtualAHCIController', 'VirtualNVMEController', 'VirtualVmxnet3', 'VirtualVmxnet2', 'VirtualVmxnet', 'VirtualE1000', 'VirtualE1000e', 'VirtualPCNet32', 'VirtualSriovEthernetCard', 'VirtualVmxnet3Vrdma'];
    expect(devices.filter((t) => !WSDL_SEQUENCES[t])).toEqual([]);
    // Device elements start with VirtualDevice's own, in order.
    for (const t of devices) expect(WSDL_SEQUENCES[t]!.slice(0, 4)).toEqual(['key', 'deviceInfo', 'backing', 'connectable']);
  });

  it('every method called by name', () => {
    const methods = new Set([...engineText.matchAll(/(?:\.call|callService\([A-Z_]+,|runTask\(\s*session,)\s*'([A-Za-z_]+)'/g)].map((m) => m[1]!));
    expect(methods.size).toBeGreaterThan(5);
    expect([...methods].filter((m) => !METHOD_PARAMETERS[m])).toEqual([]);
    for (const params of Object.values(METHOD_PARAMETERS)) expect(params[0]).toBe('_this');
  });
});
