import { openConnection } from '../connections/open-connection';
import type { ConnectionStore } from '../connections/connection-store';
import { BadInputError } from '../errors/lifeboat-error';
import type { SecretStore } from '../keychain/secret-store';
import { listVms } from '../vsphere/inventory';
import { powerOnVm } from '../vsphere/vm-operations';

/** vms.powerOn: "Power on" at the end of a restore that did not power the VM on (STEP-POWER-ON after the fact). */
export async function powerOnByName(connections: ConnectionStore, secrets: SecretStore, connection: string, vmName: string): Promise<{ poweredOn: boolean }> {
  const profile = await connections.get(connection);
  if (!profile) throw new BadInputError(`there is no saved connection named "${connection}"`, 'connection-not-found', 'Add it on the Connections page.');
  const session = await openConnection(profile, secrets);
  try {
    const matches = (await listVms(session)).filter((vm) => vm.name === vmName);
    if (matches.length !== 1) {
      throw new BadInputError(
        matches.length === 0 ? `no VM named "${vmName}" on ${connection}` : `${matches.length} VMs are named "${vmName}" on ${connection}`,
        'vm-not-unique',
        'Power the VM on in the vSphere Client.',
      );
    }
    if (matches[0]!.powerState === 'poweredOn') return { poweredOn: true };
    await powerOnVm(session, matches[0]!.ref);
    return { poweredOn: true };
  } finally {
    await session.close().catch(() => undefined);
  }
}
