import type { CallResult, LifeboatBridge } from '../../../electron/api/contract';

type Listener = (payload: unknown) => void;

/**
 * The browser host's transport: the same bridge shape as the Electron preload,
 * carried over one WebSocket to `lifeboat serve` (same origin, session cookie).
 */
export function createWebSocketBridge(url: string, WebSocketImpl: typeof WebSocket = WebSocket): LifeboatBridge {
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, (result: CallResult) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocketImpl(url);
      ws.onopen = () => {
        socket = ws;
        resolve(ws);
      };
      ws.onerror = () => reject(new Error('cannot reach the Lifeboat browser host'));
      ws.onclose = () => {
        socket = null;
        opened = null;
        for (const [id, done] of pending) {
          pending.delete(id);
          done({ ok: false, error: { message: 'the connection to the Lifeboat browser host closed', code: 'disconnected' } });
        }
      };
      ws.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as { id?: number; event?: string; payload?: unknown } & CallResult;
        if (typeof frame.event === 'string') {
          for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
          return;
        }
        if (typeof frame.id === 'number') {
          const done = pending.get(frame.id);
          pending.delete(frame.id);
          done?.(frame.ok ? { ok: true, value: frame.value } : { ok: false, error: frame.error });
        }
      };
    });
    return opened;
  }

  async function call(method: string, params: unknown): Promise<CallResult> {
    let ws: WebSocket;
    try {
      ws = socket ?? (await connect());
    } catch (err) {
      return { ok: false, error: { message: (err as Error).message, code: 'disconnected' } };
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  }

  function subscribe(name: string, listener: Listener): () => void {
    void connect().catch(() => undefined);
    const set = listeners.get(name) ?? new Set<Listener>();
    listeners.set(name, set);
    set.add(listener);
    return () => void set.delete(listener);
  }

  return new Proxy({} as Record<string, unknown>, {
    get(_t, domain) {
      if (typeof domain !== 'string') return undefined;
      return new Proxy({} as Record<string, unknown>, {
        get(_m, method) {
          if (typeof method !== 'string') return undefined;
          const name = `${domain}.${method}`;
          return method.startsWith('on') ? (l: Listener) => subscribe(name, l) : (params: unknown) => call(name, params);
        },
      });
    },
  }) as unknown as LifeboatBridge;
}
