import type { CallResult, EnvironmentFacts, LifeboatBridge } from '../../electron/api/contract';

/** Environment facts as the engine would report them on a VM workstation without VDDK. */
export const sampleFacts: EnvironmentFacts = {
  app: { version: '0.1.0', frontDoor: 'browser', node: '20.20.2', electron: null },
  os: { platform: 'linux', release: '6.1.0', arch: 'x64', description: '#1 SMP Debian' },
  workstation: { isVirtualMachine: true, vendor: 'VMware, Inc.', product: 'VMware7,1', hypervisor: 'VMware', evidence: 'DMI: /sys/class/dmi/id/sys_vendor and product_name' },
  vddk: {
    configuredDir: null, source: 'none', found: false, library: null, majorVersion: null,
    lookedFor: ['lib64/libvixDiskLib.so.9'], message: 'VDDK not found: no VDDK folder is configured.',
  },
  keychain: { available: true, backend: 'Secret Service', message: 'Secret Service answers; 0 saved Lifeboat secret(s).' },
};

/**
 * A bridge for component tests: answers from a table, records calls, and can
 * push events — the same shape the preload and the WebSocket bridge provide.
 */
export function fakeBridge(answers: Record<string, CallResult>) {
  const calls: string[] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const bridge = new Proxy({}, {
    get: (_t, domain: string) =>
      new Proxy({}, {
        get: (_m, method: string) => {
          const name = `${domain}.${method}`;
          if (method.startsWith('on')) {
            return (l: (p: unknown) => void) => {
              const set = listeners.get(name) ?? new Set();
              listeners.set(name, set);
              set.add(l);
              return () => set.delete(l);
            };
          }
          return async () => {
            calls.push(name);
            return answers[name] ?? { ok: false, error: { message: `no answer for ${name}`, code: 'test' } };
          };
        },
      }),
  }) as LifeboatBridge;
  return {
    bridge,
    calls,
    emit: (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload)),
  };
}
