import type { LifeboatApi } from '../../../electron/api/contract';
import { usePasswordPromptStore } from './password-prompt-store';

/** The engine's error code when a connection has no password saved and none was given for the session (CONN-NO-KEYCHAIN). */
export const MISSING_CREDENTIAL = 'missing-credential';

function connectionOf(input: unknown): string | null {
  const value = (input as { connection?: unknown } | null | undefined)?.connection;
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * Wraps the API so that a call about a connection whose password is not
 * saved asks the user for it (the password dialog sends it with
 * connections.usePassword), then makes the same call once more. Such a call
 * failed before it changed anything, so calling it again is safe. A cancelled
 * dialog gives the caller the original error.
 */
export function withPasswordPrompt(client: LifeboatApi, ask = (connection: string) => usePasswordPromptStore.getState().ask(connection)): LifeboatApi {
  const domains = client as unknown as Record<string, Record<string, (input?: unknown) => unknown>>;
  return new Proxy({} as Record<string, unknown>, {
    get(_target, domain) {
      if (typeof domain !== 'string') return undefined;
      const methods = domains[domain];
      if (!methods) return undefined;
      return new Proxy({} as Record<string, unknown>, {
        get(_t, method) {
          if (typeof method !== 'string') return undefined;
          const fn = methods[method];
          if (typeof fn !== 'function' || method.startsWith('on')) return fn;
          return async (input?: unknown) => {
            try {
              return await fn(input);
            } catch (err) {
              // The call's own connection, or the one the engine names (restore.resume carries only a job id).
              const connection = connectionOf(input) ?? connectionOf(err);
              if (!connection || (err as { code?: unknown }).code !== MISSING_CREDENTIAL || !(await ask(connection))) throw err;
              return fn(input);
            }
          };
        },
      });
    },
  }) as unknown as LifeboatApi;
}
