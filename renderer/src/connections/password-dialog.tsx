import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { api } from '../bridge/api-access';
import { usePasswordPromptStore } from './password-prompt-store';

/**
 * CONN-NO-KEYCHAIN: asks for a connection's password for this session only.
 * The password is read from the field when sent and the field is emptied at
 * once: it is never saved, never shown, never kept in renderer state.
 */
export function PasswordDialog({
  connection,
  intro,
  onSend,
  onCancel,
}: {
  connection: string;
  intro: string;
  /** Sends the password to the engine (connections.usePassword); a rejection is shown in the dialog. */
  onSend: (password: string) => Promise<void>;
  onCancel: () => void;
}): ReactElement {
  const field = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => field.current?.focus(), []);

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    const input = field.current;
    if (!input || input.value === '') return;
    const password = input.value;
    input.value = '';
    setBusy(true);
    setProblem(null);
    try {
      await onSend(password);
    } catch (err) {
      setProblem((err as Error).message ?? String(err));
      setBusy(false);
      input.focus();
    }
  }

  return (
    <div className="dialog-backdrop">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="session-password-title"
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        <h2 id="session-password-title">Password for {connection}</h2>
        <p>{intro}</p>
        <label>
          Password
          <input ref={field} type="password" name="session-password" autoComplete="off" spellCheck={false} required disabled={busy} />
        </label>
        <p className="muted">Used by the engine for this session only: not saved in the keychain or on disk. Lifeboat forgets it when the engine stops.</p>
        {problem ? (
          <div className="notice notice-error" role="alert">
            {problem}
          </div>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Sending…' : 'Use for this session'}
          </button>
        </div>
      </form>
    </div>
  );
}

/** The dialog for the connection the prompt store asks about (rendered once, by the app frame). */
export function SessionPasswordPrompt(): ReactElement | null {
  const asking = usePasswordPromptStore((s) => s.asking);
  const settle = usePasswordPromptStore((s) => s.settle);
  if (!asking) return null;
  return (
    <PasswordDialog
      key={asking.connection}
      connection={asking.connection}
      intro={`No password for ${asking.connection} is saved in the OS keychain (CONN-NO-KEYCHAIN). Give it to go on.`}
      onSend={async (password) => {
        await api().connections.usePassword({ name: asking.connection, password });
        settle(true);
      }}
      onCancel={() => settle(false)}
    />
  );
}
