import type { CallResult, LifeboatApi, LifeboatBridge } from '../../../electron/api/contract';
import { LifeboatError } from './lifeboat-error';

/**
 * Wraps a transport's bridge (Electron preload or browser WebSocket) into the
 * typed API: invokes resolve to values or throw LifeboatError; events (methods
 * named on*) pass through. The method list comes from the bridge itself, so the
 * renderer needs no runtime copy of the contract.
 */
export function createClient(bridge: LifeboatBridge): LifeboatApi {
  const raw = bridge as unknown as Record<string, Record<string, (arg: unknown) => unknown>>;
  return new Proxy({} as Record<string, unknown>, {
    get(_target, domain) {
      if (typeof domain !== 'string') return undefined;
      const methods = raw[domain];
      if (!methods) return undefined;
      return new Proxy({} as Record<string, unknown>, {
        get(_t, method) {
          if (typeof method !== 'string') return undefined;
          const fn = methods[method];
          if (typeof fn !== 'function') return undefined;
          if (method.startsWith('on')) return fn;
          return async (input?: unknown) => {
            const result = (await fn(input ?? {})) as CallResult;
            if (result.ok) return result.value;
            throw new LifeboatError(result.error);
          };
        },
      });
    },
  }) as unknown as LifeboatApi;
}
