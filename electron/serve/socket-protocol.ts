import type { Dispatcher } from '../api/api-dispatcher';

/**
 * One WebSocket frame in, one out: `{id, method, params}` → `{id, ok, value | error}`.
 * Events travel as `{event, payload}` frames pushed by the host.
 */
export async function handleSocketMessage(dispatcher: Dispatcher, text: string): Promise<string> {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return JSON.stringify({ id: null, ok: false, error: { message: 'frame is not JSON', code: 'bad-frame' } });
  }
  const { id, method, params } = (message ?? {}) as { id?: unknown; method?: unknown; params?: unknown };
  if (typeof id !== 'number' && typeof id !== 'string') {
    return JSON.stringify({ id: null, ok: false, error: { message: 'frame has no id', code: 'bad-frame' } });
  }
  const result = await dispatcher.call(method, params);
  return JSON.stringify({ id, ...result });
}
