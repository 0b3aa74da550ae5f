import type { Finding } from '../plan-types';
import type { Scenario } from '../scenario-schema';

/**
 * Connection and trust rules. `managedBy` is the target host's
 * summary.managementServerIp. `purpose` matters for CONN-HOST-MANAGED: only
 * writes (restores) are refused on a vCenter-managed host.
 */
export function connectionFindings(
  connection: Scenario['connection'],
  managedBy: string | null,
  purpose: 'restore' | 'backup',
): Finding[] {
  const out: Finding[] = [];
  // CONN-HOST-MANAGED
  if (purpose === 'restore' && connection.kind === 'esxi' && managedBy !== null) {
    out.push({
      rule: 'CONN-HOST-MANAGED',
      severity: 'block',
      message: `${connection.server} is an ESXi host managed by the vCenter at ${managedBy}; writing to it directly is refused.`,
      remedy: `Connect to the vCenter at ${managedBy} instead, or (disaster recovery with vCenter down) disassociate the host from vCenter first.`,
    });
  }
  // CONN-DNS
  if (!connection.resolves) {
    out.push({
      rule: 'CONN-DNS',
      severity: 'warn',
      message: `The name ${connection.server} does not resolve from this workstation; certificate checks will fail with "no host found".`,
      remedy: 'Fix DNS on the workstation (a DNS server or a hosts entry for the server) before connecting.',
    });
  }
  // CONN-THUMBPRINT
  if (connection.thumbprintChanged) {
    out.push({
      rule: 'CONN-THUMBPRINT',
      severity: 'block',
      message: `The certificate of ${connection.server} differs from the one trusted before; this may be an interception.`,
      remedy: 'Confirm the new thumbprint with the vSphere administrator out of band, then trust it explicitly.',
    });
  } else if (!connection.thumbprintTrusted) {
    out.push({
      rule: 'CONN-THUMBPRINT',
      severity: 'block',
      message: `The certificate of ${connection.server} is not trusted yet.`,
      remedy: 'Compare its SHA-256 thumbprint with the one the administrator gives you, then trust it explicitly.',
    });
  }
  // CONN-NO-KEYCHAIN
  if (!connection.keychainAvailable) {
    out.push({
      rule: 'CONN-NO-KEYCHAIN',
      severity: 'info',
      message: `No OS keychain is available on this workstation; the password for ${connection.server} is used for this session only and not saved.`,
      remedy: 'Nothing to do; give the password again next time (--connection-password-file or --connection-password-stdin; the password prompt in the app), or set up a keychain (Secret Service, macOS Keychain, Windows Credential Manager) to save it.',
    });
  }
  return out;
}
