import { useState, type ReactElement } from 'react';
import { api } from '../bridge/api-access';
import { PasswordDialog } from './password-dialog';

/** The Connections page's "Use password for this session" (CONN-NO-KEYCHAIN): the password goes to the engine, never to the keychain. */
export function SessionPasswordButton({ connection, onUsed }: { connection: string; onUsed: (connection: string) => void }): ReactElement {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button button-small" onClick={() => setOpen(true)}>
        Use password for this session
      </button>
      {open ? (
        <PasswordDialog
          connection={connection}
          intro={`The password is used for ${connection} until the engine stops; the keychain is not touched.`}
          onSend={async (password) => {
            await api().connections.usePassword({ name: connection, password });
            setOpen(false);
            onUsed(connection);
          }}
          onCancel={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}
