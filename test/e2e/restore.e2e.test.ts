import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainAccount } from '../../electron/connections/connection-profile';
import { ConnectionStore } from '../../electron/connections/connection-store';
import { OsKeychain } from '../../electron/keychain/os-keychain';
import { saveLabConnection } from '../../electron/lab/lab-connection';
import { LAB_VMS } from '../../electron/lab/lab-info';
import { labStatePaths } from '../../electron/lab/lab-state';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../electron/repository/local-folder-backend';
import { readConfig } from '../../electron/repository/repository-config';
import { keychainAccount as repoKeychainAccount } from '../../electron/repository/repository-password';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { listVms } from '../../electron/vsphere/inventory';
import type { VimSession } from '../../electron/vsphere/vim-session';
import { encryptedVmPoint, labSession } from '../integration/restore/lab-restore-fixture';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e');

/**
 * The restore wizard in Chromium against `lifeboat serve`, with the lab behind
 * it: a saved connection "lab" (password in the real keychain, as `lifeboat lab
 * start` leaves it), a repository with a restore point of the lab's encrypted
 * vTPM VM, and the lab VDDK.
 */
describe('end to end: restore a VM with the wizard', () => {
  let dir: string;
  let home: string;
  let lab: RunningLab;
  let session: VimSession;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let repoId: string;
  let connectionAccount: string;
  const keychain = new OsKeychain();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-restore-'));
    home = join(dir, 'home');
    await mkdir(OUTPUT, { recursive: true });
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
    await encryptedVmPoint(session, join(dir, 'repo'));
    repoId = (await readConfig(new LocalFolderBackend(join(dir, 'repo')))).id;
    await saveLabConnection(home, lab.info);
    connectionAccount = keychainAccount((await new ConnectionStore(home).get('lab'))!);
    await keychain.set(connectionAccount, lab.info.password);
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }), { mode: 0o600 });
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    await page.goto(host.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await session?.close().catch(() => undefined);
    await lab?.stop();
    if (connectionAccount) await keychain.delete(connectionAccount).catch(() => undefined);
    if (repoId) await keychain.delete(repoKeychainAccount(repoId)).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the repository, plans against the lab, shows the findings by rule ID', async () => {
    await page.getByRole('link', { name: 'Restore' }).click();
    await page.getByLabel('Repository folder').fill(join(dir, 'repo'));
    await page.getByLabel('Repository password').fill('pw');
    await page.getByLabel('Remember in keychain').check();
    await page.getByRole('button', { name: 'Open repository' }).click();
    await page.getByRole('radio', { name: new RegExp(`Restore point of ${LAB_VMS.encrypted}`) }).check({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next: restore mode' }).click();
    await page.getByRole('button', { name: 'Next: target' }).click();
    await expect.poll(() => page.getByLabel('Connection').inputValue(), { timeout: 30_000 }).toBe('lab');
    // The lab's datastores are offered from the live inventory once the connection is chosen.
    const datastore = page.getByLabel('Datastore', { exact: true });
    await expect
      .poll(() => datastore.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), { timeout: 60_000 })
      .toContain(lab.info.datastores[0]!.name);
    await datastore.selectOption(lab.info.datastores[0]!.name);
    await page.getByLabel('Name of the restored VM').fill('e2e-restored');
    await expect.poll(() => page.getByTestId('plan-status').textContent(), { timeout: 60_000 }).toMatch(/^OK/);
    await page.getByRole('button', { name: 'Next: review the plan' }).click();
    await page.getByRole('heading', { name: /^Plan for / }).waitFor({ timeout: 60_000 });
    const diskRow = page.getByTestId(/^plan-disk-/).first();
    expect(await diskRow.textContent()).toContain('NBDSSL');
    const spotlight = page.getByRole('note', { name: 'Read before you restore' });
    expect(await spotlight.textContent()).toContain('VTPM-RESTORE');
    // The point saved lab-encrypted's storage policy and the lab has it (read through PBM): no CRYPT-POLICY-MISSING.
    expect(await page.getByTestId('finding-CRYPT-POLICY-MISSING').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start restore' }).isEnabled()).toBe(true);
    await page.screenshot({ path: join(OUTPUT, 'restore-plan.png'), fullPage: true });
  });

  it('runs the restore as a job and shows it succeeded with the report path', async () => {
    await page.getByRole('button', { name: 'Start restore' }).click();
    const outcome = page.getByTestId('job-outcome');
    await outcome.waitFor({ timeout: 120_000 });
    expect(await outcome.textContent()).toContain('Restore succeeded');
    const report = (await page.getByTestId('job-report').textContent()) ?? '';
    expect(report).toMatch(/-report\.html$/);
    expect(await readFile(report, 'utf8')).toContain('Restore succeeded');
    await page.screenshot({ path: join(OUTPUT, 'restore-succeeded.png'), fullPage: true });
    expect((await listVms(session)).some((v) => v.name === 'e2e-restored')).toBe(true);
  });
  it('CONN-NO-KEYCHAIN: with the connection password gone from the keychain, the wizard asks for it, never saves it, and goes on', async () => {
    await keychain.delete(connectionAccount);
    await page.reload();
    await page.getByRole('link', { name: 'Restore' }).click();
    await page.getByLabel('Repository folder').fill(join(dir, 'repo'));
    // The repository password was remembered by the first test.
    await page.getByRole('button', { name: 'Open repository' }).click();
    await page.getByRole('radio', { name: new RegExp(`Restore point of ${LAB_VMS.encrypted}`) }).check({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Next: restore mode' }).click();
    await page.getByRole('button', { name: 'Next: target' }).click();
    const dialog = page.getByRole('dialog', { name: 'Password for lab' });
    await dialog.waitFor({ timeout: 60_000 });
    await dialog.getByLabel('Password').fill(lab.info.password);
    await dialog.getByRole('button', { name: 'Use for this session' }).click();
    const datastore = page.getByLabel('Datastore', { exact: true });
    await expect
      .poll(() => datastore.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), { timeout: 60_000 })
      .toContain(lab.info.datastores[0]!.name);
    await datastore.selectOption(lab.info.datastores[0]!.name);
    await page.getByLabel('Name of the restored VM').fill('e2e-session-password');
    await expect.poll(() => page.getByTestId('plan-status').textContent(), { timeout: 60_000 }).toMatch(/^OK/);
    expect(await dialog.count()).toBe(0);
    expect(await keychain.get(connectionAccount)).toBeNull();
    expect(await page.content()).not.toContain(lab.info.password);
  }, 180_000);
});
