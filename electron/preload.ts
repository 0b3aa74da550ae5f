/**
 * The preload: runs sandboxed with context isolation, and exposes only the
 * domain-shaped `window.lifeboat` built from the API contract — never
 * ipcRenderer, never a generic send. Bundled into one file at build time
 * (sandboxed preloads cannot require local modules).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { contractMethods } from './api/api-dispatcher';
import { apiContract, EVENT_CHANNEL, invokeChannel } from './api/contract';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge: Record<string, Record<string, unknown>> = {};
for (const { name, kind } of contractMethods(apiContract)) {
  const [domain = '', method = ''] = name.split('.');
  const target = (bridge[domain] ??= {});
  if (kind === 'invoke') {
    target[method] = (input?: unknown) => ipcRenderer.invoke(invokeChannel(name), input ?? {});
  } else {
    target[method] = (listener: Listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${name} needs a function`);
      const set = listeners.get(name) ?? new Set<Listener>();
      listeners.set(name, set);
      set.add(listener);
      return () => void set.delete(listener);
    };
  }
}

contextBridge.exposeInMainWorld('lifeboat', bridge);
