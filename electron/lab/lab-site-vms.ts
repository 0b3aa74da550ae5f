/**
 * The lab's site (`lifeboat lab start --site`): a small company's 30 VMs, in
 * the order a recovery brings them back (identity, data, applications, web,
 * infrastructure). The simulator (test/lab/vcsim/site_vms.go) makes them and
 * reports them in the JSON line's `siteVms`; a lab test checks the two lists
 * agree. The example recovery plan names only these.
 */
// prettier-ignore
export const LAB_SITE_VM_NAMES = [
  'dc01', 'dc02', 'dns01', 'dns02', 'ca01',
  'sql01', 'sql02', 'pg01', 'file01', 'file02', 'mail01',
  'app01', 'app02', 'app03', 'app04', 'app05', 'app06', 'erp01', 'crm01',
  'web01', 'web02', 'web03', 'web04',
  'print01', 'mon01', 'log01', 'jump01', 'wsus01', 'vpn01', 'build01',
] as const;
export type LabSiteVmName = (typeof LAB_SITE_VM_NAMES)[number];

/** The site's shared VMFS datastores (SAN LUNs every cluster host mounts). */
export const LAB_SITE_DATASTORES = ['site-ds-01', 'site-ds-02'] as const;

/** The cluster hosts a site lab has unless told more. */
export const LAB_SITE_MIN_HOSTS = 3;

/** Site VMs with EFI + vTPM and an encrypted home (dc, ca, jump) or fully encrypted (sql, mail). */
export const LAB_SITE_ENCRYPTED_VMS = ['dc01', 'dc02', 'ca01', 'sql01', 'sql02', 'mail01', 'jump01'] as const;
