/** The facts the what-if form offers, each a path into the scenario (plan-scenario.md) and how it is edited. */
export type FactField =
  | { kind: 'choice'; label: string; path: string[]; options: Array<{ value: string; text: string }>; fallback: string }
  | { kind: 'gib'; label: string; path: string[]; fallback: number }
  | { kind: 'flag'; label: string; path: string[]; fallback: boolean };

const GiB = 1024 ** 3;

export const FACT_FIELDS: FactField[] = [
  { kind: 'choice', label: 'Lifeboat runs on', path: ['workstation', 'kind'], fallback: 'physical', options: [{ value: 'physical', text: 'A physical machine' }, { value: 'vm', text: 'A VM' }] },
  { kind: 'choice', label: 'Connected to', path: ['connection', 'kind'], fallback: 'vcenter', options: [{ value: 'vcenter', text: 'vCenter' }, { value: 'esxi', text: 'A standalone ESXi host' }] },
  { kind: 'flag', label: 'The OS keychain can be used', path: ['connection', 'keychainAvailable'], fallback: true },
  {
    kind: 'choice',
    label: 'Target datastore type',
    path: ['target', 'datastore', 'type'],
    fallback: 'VMFS',
    options: ['VMFS', 'NFS', 'VVOL', 'vsan', 'local'].map((t) => ({ value: t, text: t })),
  },
  { kind: 'gib', label: 'Free space on the datastore (GiB)', path: ['target', 'datastore', 'freeBytes'], fallback: 1024 },
  { kind: 'flag', label: 'The target host sees the SAN', path: ['target', 'host', 'sanAttached'], fallback: true },
  {
    kind: 'choice',
    label: 'Transport asked for',
    path: ['options', 'transport'],
    fallback: 'auto',
    options: ['auto', 'san', 'hotadd', 'nbdssl', 'nbd'].map((t) => ({ value: t, text: t === 'auto' ? 'auto (let the planner choose)' : t })),
  },
];

export function factValue(scenario: Record<string, unknown>, field: FactField): string | number | boolean {
  let node: unknown = scenario;
  for (const key of field.path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  if (node === undefined || node === null) return field.fallback;
  if (field.kind === 'gib') return typeof node === 'number' ? Math.round(node / GiB) : field.fallback;
  return node as string | boolean;
}

/** A copy of the scenario with one fact changed (the objects on the path are copied, the rest shared). */
export function withFact(scenario: Record<string, unknown>, field: FactField, value: string | number | boolean): Record<string, unknown> {
  const stored = field.kind === 'gib' ? Math.max(0, Math.round(Number(value) * GiB)) : value;
  const set = (node: Record<string, unknown>, path: string[]): Record<string, unknown> => {
    const [head, ...rest] = path as [string, ...string[]];
    const child = (node[head] && typeof node[head] === 'object' ? node[head] : {}) as Record<string, unknown>;
    return { ...node, [head]: rest.length === 0 ? stored : set(child, rest) };
  };
  return set(scenario, field.path);
}
