import { create } from 'zustand';

/** A connection the engine has no password for (CONN-NO-KEYCHAIN), and what wanted it. */
export interface PasswordRequest {
  connection: string;
}

interface PasswordPromptStore {
  /** The connection the dialog asks for now; never the password itself. */
  asking: PasswordRequest | null;
  /**
   * Asks the user for the connection's password (the dialog sends it with
   * connections.usePassword). Resolves true once the engine has it for this
   * session, false when the user cancelled. Callers asking for the same
   * connection at once share one dialog.
   */
  ask: (connection: string) => Promise<boolean>;
  /** The dialog's answer: given (and sent) or cancelled. */
  settle: (given: boolean) => void;
}

// The callers waiting per connection, outside the state (they are not what the UI shows).
const waiting = new Map<string, Array<(given: boolean) => void>>();
const queue: string[] = [];

/** The password prompt's state: which connection is asked for. The password never enters a store. */
export const usePasswordPromptStore = create<PasswordPromptStore>((set, get) => ({
  asking: null,
  ask: (connection) =>
    new Promise<boolean>((resolve) => {
      const callers = waiting.get(connection);
      if (callers) return void callers.push(resolve);
      waiting.set(connection, [resolve]);
      if (get().asking) queue.push(connection);
      else set({ asking: { connection } });
    }),
  settle: (given) => {
    const current = get().asking;
    if (!current) return;
    const callers = waiting.get(current.connection) ?? [];
    waiting.delete(current.connection);
    const next = queue.shift();
    set({ asking: next ? { connection: next } : null });
    for (const resolve of callers) resolve(given);
  },
}));
