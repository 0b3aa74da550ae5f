import type { LifeboatEventName, LifeboatEventPayload } from '../api/contract';

type Listener = (name: LifeboatEventName, payload: unknown) => void;

/**
 * The engine's outgoing events. Front doors subscribe once and forward every
 * event to their clients (IPC to the window, WebSocket to browsers).
 */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  emit<N extends LifeboatEventName>(name: N, payload: LifeboatEventPayload<N>): void {
    for (const l of [...this.listeners]) l(name, payload);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
