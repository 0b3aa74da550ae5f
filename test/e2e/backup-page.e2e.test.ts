import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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
import { Repository } from '../../electron/repository/repository';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { listVms } from '../../electron/vsphere/inventory';
import { writeThroughLabVddk } from '../integration/backup/lab-backup-fixture';
import { labSession } from '../integration/restore/lab-restore-fixture';
import { TEST_KDF } from '../unit/repository/repository-fixtures';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { KeyboardDriver } from './keyboard-driver';
import { PageCheck, WIDE } from './page-check';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'backup');
const MiB = 1024 * 1024;
const VM = LAB_VMS.thinThick;

/**
 * The backup page, keyboard only, in Chromium against `lifeboat serve` with the
 * lab behind it (vcsim + lab VDDK, the connection's password in the real
 * keychain): a full backup of a lab VM, then an incremental one, each with its
 * plan (kind per disk and why), progress and result; the result's link opens
 * the point on the Repositories page, and the Jobs page lists both backups.
 * axe and screenshots at 1360×900 and 1024×768 on every step.
 */
describe('end to end: the backup page, keyboard only, a full then an incremental backup', () => {
  let dir: string;
  let home: string;
  let lab: RunningLab;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let checks: PageCheck;
  let connectionAccount: string;
  const keychain = new OsKeychain();
  const points: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-backup-'));
    home = join(dir, 'home');
    lab = await startVcsim({ mode: 'vcenter', vms: 0, datastoreRoot: dir });
    await saveLabConnection(home, lab.info);
    connectionAccount = keychainAccount((await new ConnectionStore(home).get('lab'))!);
    await keychain.set(connectionAccount, lab.info.password);
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir } }), { mode: 0o600 });
    // Data on the thin disk, as a guest would have written it.
    const session = await labSession(lab.info);
    const ref = (await listVms(session)).find((v) => v.name === VM)!.ref;
    await session.close().catch(() => undefined);
    await writeThroughLabVddk(lab.info, ref.value, `[LocalDS_0] ${VM}/${VM}.vmdk`, [{ offset: 8 * MiB, data: randomBytes(MiB) }]);
    await Repository.init(new LocalFolderBackend(join(dir, 'repo')), 'pw', { kdf: TEST_KDF });
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: WIDE });
    keys = new KeyboardDriver(page);
    checks = new PageCheck(page, OUTPUT);
    await page.goto(host.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await lab?.stop();
    if (connectionAccount) await keychain.delete(connectionAccount).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  it('says to open a repository first, then offers the one opened on the Repositories page', async () => {
    await keys.press(nav('Backup'));
    await expect.poll(() => page.title()).toBe('Backup: Source — Lifeboat');
    await page.getByText('No repository is open in this session.').waitFor();
    await keys.press(nav('Repositories'));
    await keys.type(page.getByLabel('Repository folder'), join(dir, 'repo'));
    await keys.type(page.getByLabel('Repository password'), 'pw');
    await keys.press(page.getByRole('button', { name: 'Open repository' }));
    // A new repository: no restore point yet.
    await page.getByRole('heading', { name: join(dir, 'repo'), exact: true }).waitFor({ timeout: 60_000 });
    await keys.press(nav('Backup'));
    expect(await page.getByLabel('Repository', { exact: true }).inputValue()).not.toBe('');
  });

  async function planAndRun(kind: 'full' | 'incremental'): Promise<void> {
    await keys.press(page.getByRole('button', { name: 'Plan the backup' }));
    const said = page.getByTestId('backup-plan-kind');
    await said.waitFor({ timeout: 120_000 });
    expect(await said.textContent()).toMatch(kind === 'full' ? new RegExp(`^A full backup of ${VM} on `) : new RegExp(`^An incremental backup of ${VM} on .*, building on restore point ${points[0]!.slice(0, 12)}`));
    const whys = await page.getByRole('table', { name: 'What each disk reads, and why' }).locator('tbody tr').allTextContents();
    expect(whys.filter((w) => /BACKUP-SKIP-INDEPENDENT/.test(w))).toHaveLength(1);
    expect(whys.filter((w) => (kind === 'full' ? /Full: every allocated area.*BACKUP-ALLOCATED-FIRST/ : /Incremental: what changed/).test(w))).toHaveLength(2);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Step 3 of 4: the plan');
    await checks.check(`step3-plan-${kind}`);
    await keys.press(page.getByRole('button', { name: 'Start the backup' }));
    await page.getByTestId('backup-run').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('backup-progress').getAttribute('aria-live')).toBe('polite');
    await checks.check(`step4-progress-${kind}`);
    const result = page.getByTestId('backup-result');
    await result.waitFor({ timeout: 180_000 });
    expect(await page.getByTestId('backup-result-kind').textContent()).toBe(kind);
    const read = await page.getByTestId('backup-result-read').textContent();
    // The full read the guest's data; the incremental found nothing changed.
    expect(read).toMatch(kind === 'full' ? /^[1-9][\d.]* MiB$/ : /^0 B$/);
    points.push((await page.getByTestId('backup-point-link').textContent())!);
    expect(points[points.length - 1]).toMatch(/^[0-9a-f]{12,}$/);
    await checks.check(`step4-result-${kind}`);
  }

  it('a full backup: VM from the live inventory, options, the plan per disk, progress and the result', async () => {
    await keys.choose(page.getByLabel('Virtual machine'), new RegExp(`^${VM} `));
    await checks.check('step1-source');
    await keys.press(page.getByRole('button', { name: 'Next: options' }));
    await expect.poll(() => page.title()).toBe('Backup: Options — Lifeboat');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Step 2 of 4: how to back up ${VM}`);
    await checks.check('step2-options');
    await planAndRun('full');
  });

  it("the result's link opens the point on the Repositories page", async () => {
    await keys.press(page.getByTestId('backup-point-link'));
    await expect.poll(() => page.title()).toBe('Repositories — Lifeboat');
    await page.getByTestId('point-details').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('point-details').textContent()).toContain(VM);
    await checks.check('point-from-backup');
  });

  it('then an incremental backup of the same VM', async () => {
    await keys.press(nav('Backup'));
    await keys.press(page.getByRole('button', { name: 'Back up again' }));
    await planAndRun('incremental');
    expect(points[1]).not.toBe(points[0]);
  });

  it('the Jobs page lists both backups with their kind and report', async () => {
    await keys.press(nav('Jobs'));
    await keys.type(page.getByRole('searchbox'), VM);
    await keys.choose(page.getByLabel('Kind'), /^backup$/);
    await expect.poll(() => page.getByTestId('history-count').textContent(), { timeout: 30_000 }).toBe('2 of 2 jobs');
    const kinds = await page.locator('[data-testid^="history-kind-"]').allTextContents();
    expect(kinds).toEqual(['backup (incremental)', 'backup (full)']);
    await keys.press(page.getByRole('button', { name: /^Open report of backup-/ }).last());
    expect(await page.getByTestId('report-point').textContent()).toContain(points[0]);
    await checks.check('jobs-with-backups');
  });

  it('found no axe violations and no horizontal overflow on any step', () => {
    expect({ checked: checks.checked, violations: checks.violations }).toEqual({
      checked: [
        'step1-source', 'step2-options', 'step3-plan-full', 'step4-progress-full', 'step4-result-full', 'point-from-backup',
        'step3-plan-incremental', 'step4-progress-incremental', 'step4-result-incremental', 'jobs-with-backups',
      ],
      violations: {},
    });
  });
});
