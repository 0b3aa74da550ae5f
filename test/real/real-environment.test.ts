import { describe, expect, it } from 'vitest';
import { realEnvironment } from './real-environment';

describe('real vCenter tier settings', () => {
  it('says why it does not run until the vCenter, VDDK folder and a login are set', () => {
    expect(realEnvironment({})).toEqual({ notRun: expect.stringMatching(/LIFEBOAT_REAL_VCENTER and LIFEBOAT_REAL_VDDK_DIR/) });
    const base = { LIFEBOAT_REAL_VCENTER: 'https://vc', LIFEBOAT_REAL_VDDK_DIR: '/' };
    expect(realEnvironment(base)).toEqual({
      notRun: expect.stringMatching(/LIFEBOAT_REAL_PASSWORD_FILE .* or LIFEBOAT_REAL_CONNECTION/),
    });
    expect(realEnvironment({ ...base, LIFEBOAT_REAL_PASSWORD_FILE: '/pw' })).toEqual({
      notRun: expect.stringMatching(/THUMBPRINT/),
    });
    expect(realEnvironment({ ...base, LIFEBOAT_REAL_VDDK_DIR: '/no/such/vddk', LIFEBOAT_REAL_CONNECTION: 'vc' })).toEqual({
      notRun: expect.stringMatching(/does not exist/),
    });
  });

  it('is ready with a saved connection (password in the keychain) or a password file with a pinned thumbprint', () => {
    const base = { LIFEBOAT_REAL_VCENTER: 'https://vc', LIFEBOAT_REAL_VDDK_DIR: '/', LIFEBOAT_REAL_VM: 'tiny' };
    expect(realEnvironment({ ...base, LIFEBOAT_REAL_CONNECTION: 'vc' })).toEqual({
      ready: {
        url: 'https://vc',
        vddkDir: '/',
        login: { kind: 'saved', connection: 'vc' },
        vm: 'tiny',
        datastore: undefined,
        encryptedVm: undefined,
      },
    });
    const pw = realEnvironment({
      ...base,
      LIFEBOAT_REAL_PASSWORD_FILE: '/pw',
      LIFEBOAT_REAL_USER: 'u',
      LIFEBOAT_REAL_THUMBPRINT: 'AB',
    });
    expect('ready' in pw && pw.ready.login).toEqual({
      kind: 'password-file',
      user: 'u',
      passwordFile: '/pw',
      thumbprintSha256: 'AB',
    });
  });
});
