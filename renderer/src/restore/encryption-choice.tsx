import type { ReactElement } from 'react';
import type { EncryptionChoice as Choice } from '../stores/restore-wizard-store';

const CHOICES: Array<{ value: Choice; label: string }> = [
  { value: 'keep', label: 'Keep the original keys (the VM may not power on)' },
  { value: 'new-keys', label: 'Encrypt with new keys (the saved NVRAM is lost)' },
  { value: 'unencrypted', label: 'Restore unencrypted' },
];

/** CRYPT-KEYS-MISSING / CRYPT-KMS-MISMATCH: the fallback is the user's explicit choice; nothing is preselected. */
export function EncryptionChoice({ value, onChange }: { value: Choice | null; onChange: (c: Choice) => void }): ReactElement {
  return (
    <fieldset className="card encryption-choice">
      <legend>Encryption of the restored VM (your choice is required)</legend>
      {CHOICES.map((c) => (
        <label key={c.value} className="checkbox">
          <input type="radio" name="encryption" value={c.value} checked={value === c.value} onChange={() => onChange(c.value)} />
          {c.label}
        </label>
      ))}
    </fieldset>
  );
}
