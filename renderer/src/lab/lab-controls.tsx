import { useState, type ReactElement } from 'react';
import type { LabView } from '../../../electron/api/contract';
import { useLabStore } from './lab-store';

/** Start (choosing vCenter or ESXi mode), stop, and reset after a confirmation: the reset removes every disk written to the lab. */
export function LabControls({ view }: { view: LabView }): ReactElement {
  const [mode, setMode] = useState<'vcenter' | 'esxi'>('vcenter');
  const [confirming, setConfirming] = useState(false);
  const busy = useLabStore((s) => s.busy);
  const run = useLabStore((s) => s.run);

  if (!view.running) {
    return (
      <section className="card" aria-labelledby="lab-start-heading">
        <h2 id="lab-start-heading">Start the lab</h2>
        <fieldset className="plain-fieldset">
          <legend>Mode</legend>
          <label className="option">
            <input type="radio" name="lab-mode" value="vcenter" checked={mode === 'vcenter'} onChange={() => setMode('vcenter')} />
            <span>
              vCenter
              <span className="option-detail">A vCenter with a cluster of two hosts, shared SAN datastores, NFS and vVol.</span>
            </span>
          </label>
          <label className="option">
            <input type="radio" name="lab-mode" value="esxi" checked={mode === 'esxi'} onChange={() => setMode('esxi')} />
            <span>
              ESXi
              <span className="option-detail">One standalone host, as when vCenter itself is down.</span>
            </span>
          </label>
        </fieldset>
        <button type="button" className="button" disabled={busy !== null} onClick={() => void run('start', mode)}>
          Start the lab
        </button>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="lab-actions-heading">
      <h2 id="lab-actions-heading">Stop or reset</h2>
      {confirming ? (
        <div className="notice notice-warn">
          <p>
            Reset stops the lab, removes its datastore folders (every VM and disk restored into it) and starts it again in the same mode, with
            the demo VMs back.
          </p>
          <div className="wizard-actions">
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => {
                setConfirming(false);
                void run('reset');
              }}
            >
              Yes, reset the lab
            </button>
            <button type="button" className="button button-secondary" onClick={() => setConfirming(false)}>
              Keep it as it is
            </button>
          </div>
        </div>
      ) : (
        <div className="wizard-actions">
          <button type="button" className="button" disabled={busy !== null} onClick={() => setConfirming(true)}>
            Reset the lab…
          </button>
          <button type="button" className="button button-secondary" disabled={busy !== null} onClick={() => void run('stop')}>
            Stop the lab
          </button>
        </div>
      )}
    </section>
  );
}
