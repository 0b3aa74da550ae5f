import type { ReactElement } from 'react';
import type { RestorePlanView } from '../../../electron/api/contract';
import { useRestoreWizardStore } from '../stores/restore-wizard-store';

type InForce = NonNullable<RestorePlanView['importedVm']>;

const CONTROLLERS = ['pvscsi', 'lsilogic', 'lsisas', 'buslogic', 'sata', 'nvme'];
/** Common guest OS ids to pick from; any other vSphere id can be typed (the plan checks it against the host). */
const GUESTS = ['otherGuest64', 'otherLinux64Guest', 'ubuntu64Guest', 'rhel9_64Guest', 'debian12_64Guest', 'windows2019srv_64Guest', 'windows2022srvNext_64Guest', 'windows11_64Guest'];

/**
 * DATA-NO-CONFIGINFO: a point imported from an image has no saved VM
 * configuration; its VM is built from defaults the plan lists. Shown only for
 * such a point: each control replaces one default, and the plan is made again.
 */
export function ImportedVmChoices({ inForce }: { inForce: InForce }): ReactElement {
  const value = useRestoreWizardStore((s) => s.choices.importedVm);
  const choose = useRestoreWizardStore((s) => s.choose);
  const set = (patch: Partial<typeof value>) => choose({ importedVm: { ...value, ...patch } });
  const def = (k: InForce['chosen'][number], v: string) => (inForce.chosen.includes(k) ? 'Default' : `Default (${v})`);
  return (
    <fieldset className="card imported-vm" aria-label="VM built from defaults">
      <legend>VM built from defaults (no saved configuration: the point was imported from an image)</legend>
      <label>
        Firmware
        <select value={value.firmware} onChange={(e) => set({ firmware: e.target.value as typeof value.firmware })}>
          <option value="">{def('firmware', inForce.firmware)}</option>
          <option value="bios">BIOS</option>
          <option value="efi">EFI</option>
        </select>
      </label>
      <label>
        Guest OS
        <input list="imported-vm-guests" value={value.guestId} placeholder={inForce.chosen.includes('guestId') ? '' : inForce.guestId} onChange={(e) => set({ guestId: e.target.value })} autoComplete="off" />
      </label>
      <datalist id="imported-vm-guests">
        {GUESTS.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      <label>
        Disk controller
        <select value={value.controller} onChange={(e) => set({ controller: e.target.value })}>
          <option value="">{def('controller', inForce.controller)}</option>
          {CONTROLLERS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <p className="muted">
        In force: firmware {inForce.firmware}, guest OS {inForce.guestId}, {inForce.controller} controller, no network card. <code className="rule-tag">DATA-NO-CONFIGINFO</code>
      </p>
    </fieldset>
  );
}
