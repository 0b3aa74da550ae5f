import type { LifeboatBridge } from '../../../electron/api/contract';
import { withPasswordPrompt } from '../connections/missing-password-retry';
import { useRecoveryStore } from '../recovery/recovery-store';
import { useJobsStore } from '../stores/jobs-store';
import { useNavigationStore } from '../stores/navigation-store';
import { installApi } from './api-access';
import { createClient } from './create-client';
import { createWebSocketBridge } from './websocket-bridge';

declare global {
  interface Window {
    /** Present in the Electron app (exposed by the preload); absent in a plain browser. */
    lifeboat?: LifeboatBridge;
  }
}

/** Picks the transport: the preload's bridge in Electron, else the browser host's WebSocket. */
export function chooseBridge(win: Window): LifeboatBridge {
  if (win.lifeboat) return win.lifeboat;
  const scheme = win.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createWebSocketBridge(`${scheme}//${win.location.host}/api`);
}

/** The one place where bridge subscriptions are wired into the stores. */
export function bootstrap(bridge: LifeboatBridge, win: Window = window): () => void {
  const client = createClient(bridge);
  // CONN-NO-KEYCHAIN: a call about a connection without a saved password asks for it, then goes on.
  installApi(withPasswordPrompt(client));
  const unsubscribers = [
    client.jobs.onProgress((job) => useJobsStore.getState().applySnapshot(job)),
    client.recovery.onProgress((progress) => useRecoveryStore.getState().applyProgress(progress)),
  ];
  void client.jobs
    .list()
    .then((jobs) => useJobsStore.getState().replaceAll(jobs))
    .catch(() => undefined);
  const onHash = () => useNavigationStore.getState().syncFromHash(win.location.hash);
  onHash();
  win.addEventListener('hashchange', onHash);
  return () => {
    for (const u of unsubscribers) u();
    win.removeEventListener('hashchange', onHash);
  };
}
