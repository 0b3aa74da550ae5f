import type { Scenario } from '../scenario-schema';
import { defaultGuestId } from './guest-os';

/**
 * DATA-NO-CONFIGINFO: a point imported from an image is built from defaults the
 * user can change (options.importedVm). The facts are rewritten to the VM the
 * run will build: the chosen firmware and guest OS (else the image's, else a
 * generic guest of its family) and every disk on the chosen controller, so each
 * rule (DATA-HW-VERSION's guest check, XPORT-HOTADD-IDE, ...) judges that VM.
 * A point with saved ConfigInfo is left as it is.
 */
export function withImportedVmChoices(s: Scenario): Scenario {
  if (s.restorePoint.vm.configInfoSaved) return s;
  const chosen = s.options.importedVm;
  const vm = s.restorePoint.vm;
  return {
    ...s,
    restorePoint: {
      vm: { ...vm, firmware: chosen.firmware ?? vm.firmware, guestId: chosen.guestId ?? vm.guestId ?? defaultGuestId(vm.guestFamily) },
      disks: s.restorePoint.disks.map((d) => ({ ...d, controller: chosen.controller ?? d.controller })),
    },
  };
}

/** The values a VM built from defaults gets, each saying whether the user chose it; null when ConfigInfo was saved. */
export interface ImportedVmInForce {
  firmware: 'bios' | 'efi';
  guestId: string;
  controller: string;
  chosen: Array<'firmware' | 'guestId' | 'controller'>;
}

/** Of facts already rewritten by withImportedVmChoices. */
export function importedVmInForce(s: Scenario): ImportedVmInForce | null {
  const vm = s.restorePoint.vm;
  if (vm.configInfoSaved) return null;
  const chosen = s.options.importedVm;
  return {
    firmware: vm.firmware,
    guestId: vm.guestId ?? defaultGuestId(vm.guestFamily),
    controller: s.restorePoint.disks[0]?.controller ?? 'pvscsi',
    chosen: (['firmware', 'guestId', 'controller'] as const).filter((k) => chosen[k] !== null),
  };
}

/** "firmware efi (chosen), guest OS otherGuest64, pvscsi controller, no network card": the plan's words for the defaults in force. */
export function importedVmText(d: ImportedVmInForce): string {
  const mark = (k: ImportedVmInForce['chosen'][number]) => (d.chosen.includes(k) ? ' (chosen)' : '');
  return `firmware ${d.firmware}${mark('firmware')}, guest OS ${d.guestId}${mark('guestId')}, ${d.controller} controller${mark('controller')}, no network card`;
}
