import { describe, expect, it } from 'vitest';
import { RecoveryPlanFile } from '../../../electron/api/schemas/recovery-plan-file';

describe('recovery plan file schema', () => {
  it('leaves an option the file does not state absent, so the plan defaults (then the request defaults) apply', () => {
    const file = RecoveryPlanFile.parse({
      name: 'site',
      repository: 'repo',
      connection: 'lab',
      defaults: { datastore: 'ds1', powerOn: true, transport: 'nbdssl' },
      groups: [{ name: 'g', vms: [{ vm: 'dc01' }, { vm: 'db01', powerOn: false }] }],
    });
    const [dc, db] = file.groups[0]!.vms;
    expect(dc).toEqual({ vm: 'dc01', point: 'latest' });
    expect(db).toEqual({ vm: 'db01', point: 'latest', powerOn: false });
    expect(file.defaults).toEqual({ datastore: 'ds1', powerOn: true, transport: 'nbdssl' });
  });
});
