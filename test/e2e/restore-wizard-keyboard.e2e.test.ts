import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keychainAccount } from '../../electron/connections/connection-profile';
import { ConnectionStore } from '../../electron/connections/connection-store';
import { OsKeychain } from '../../electron/keychain/os-keychain';
import { saveLabConnection } from '../../electron/lab/lab-connection';
import { labStatePaths } from '../../electron/lab/lab-state';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { startVcsim, type RunningLab } from '../../electron/lab/vcsim-process';
import { LocalFolderBackend } from '../../electron/repository/local-folder-backend';
import { Repository } from '../../electron/repository/repository';
import { keychainAccount as repoKeychainAccount } from '../../electron/repository/repository-password';
import { DEMO_VM_NAME, writeDemoPoint } from '../../electron/restore-points/demo-restore-point';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { fetchInventory, listVms } from '../../electron/vsphere/inventory';
import { fetchVmConfigInfo } from '../../electron/vsphere/vm-config-info';
import type { VimSession } from '../../electron/vsphere/vim-session';
import { labSession } from '../integration/restore/lab-restore-fixture';
import { TEST_KDF } from '../unit/repository/repository-fixtures';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { axeViolations, describeViolations } from './axe-check';
import { KeyboardDriver } from './keyboard-driver';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'wizard');
const WIDE = { width: 1360, height: 900 };
const NARROW = { width: 1024, height: 768 };

/**
 * The whole restore wizard, keyboard only, in Chromium against `lifeboat serve`
 * with the lab behind it: the demo restore point (Windows Server 2022, EFI,
 * vTPM, encrypted) restored as a new VM with a network mapping, a per-disk
 * format and power on; a blocked SAN plan fixed with its one-click remedy.
 * Every page and wizard step is checked with axe-core and photographed at
 * 1360×900 and 1024×768 (no horizontal overflow at 1024 px).
 */
describe('end to end: the restore wizard, keyboard only, with axe on every step', () => {
  let dir: string;
  let home: string;
  let lab: RunningLab;
  let session: VimSession;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let repoId: string;
  let connectionAccount: string;
  const keychain = new OsKeychain();
  const violations: Record<string, string> = {};
  let mappedNetwork = '';
  const checked: string[] = [];

  /** axe on the page as it is now, and a photograph at both sizes; overflow at 1024 px is recorded as a problem. */
  async function check(name: string): Promise<void> {
    checked.push(name);
    const found = await axeViolations(page);
    if (found.length > 0) violations[name] = describeViolations(found);
    await page.screenshot({ path: join(OUTPUT, `${name}-1360x900.png`), fullPage: true });
    await page.setViewportSize(NARROW);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) violations[`${name} at 1024 px`] = `horizontal overflow of ${overflow} px`;
    await page.screenshot({ path: join(OUTPUT, `${name}-1024x768.png`), fullPage: true });
    await page.setViewportSize(WIDE);
  }

  const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');
  const focusedTag = () => page.evaluate(() => document.activeElement?.tagName ?? '');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-wizard-'));
    home = join(dir, 'home');
    await mkdir(OUTPUT, { recursive: true });
    lab = await startVcsim({ mode: 'vcenter' });
    session = await labSession(lab.info);
    const repo = await Repository.init(new LocalFolderBackend(join(dir, 'demo-repo')), 'pw', { kdf: TEST_KDF });
    await writeDemoPoint(repo);
    repoId = repo.id;
    await saveLabConnection(home, lab.info);
    connectionAccount = keychainAccount((await new ConnectionStore(home).get('lab'))!);
    await keychain.set(connectionAccount, lab.info.password);
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), labVddkConfig(lab.info, { extra: { 'labvddk.stateDir': dir, 'labvddk.serverMode': 'vcenter' } }), { mode: 0o600 });
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: WIDE });
    keys = new KeyboardDriver(page);
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

  it('starts with a skip link, then every page has its own title and passes axe', async () => {
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedText()).toBe('Skip to the main content');
    await page.keyboard.press('Enter');
    expect(await focusedTag()).toBe('MAIN');
    for (const [link, title] of [
      ['Connections', 'Connections — Lifeboat'],
      ['Repositories', 'Repositories — Lifeboat'],
      ['Jobs', 'Jobs — Lifeboat'],
      ['Lab', 'Lab — Lifeboat'],
      ['About', 'About — Lifeboat'],
    ] as const) {
      await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }));
      await expect.poll(() => page.title()).toBe(title);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await check(`page-${link.toLowerCase()}`);
    }
  });

  it('chooses the demo restore point: local time, EFI / vTPM / encrypted badges, disk sizes', async () => {
    await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Restore', exact: true }));
    await expect.poll(() => page.title()).toBe('Restore: Restore point — Lifeboat');
    expect(await focusedText()).toBe('Choose a restore point');
    await check('step1-empty');
    await keys.type(page.getByLabel('Repository folder'), join(dir, 'demo-repo'));
    await keys.type(page.getByLabel('Repository password'), 'pw');
    await keys.press(page.getByRole('button', { name: 'Open repository' }));
    const radio = page.getByRole('radio', { name: new RegExp(`Restore point of ${DEMO_VM_NAME}`) });
    await keys.press(radio, 'Space');
    expect(await radio.isChecked()).toBe(true);
    const card = page.getByTestId('point-card');
    await card.getByRole('list', { name: 'Restore point facts' }).waitFor();
    const badges = await card.getByRole('list', { name: 'Restore point facts' }).getByRole('listitem').allTextContents();
    expect(badges).toEqual(expect.arrayContaining(['EFI', 'vTPM', 'Encrypted']));
    expect(await card.getByRole('img').first().getAttribute('aria-label')).toMatch(/allocated of \d/);
    await check('step1-point');
    await keys.press(page.getByRole('button', { name: 'Next: restore mode' }));
  });

  it('keeps "new VM" as the restore mode', async () => {
    expect(await focusedText()).toBe('Choose the restore mode');
    expect(await page.getByRole('radio', { name: /Restore as a new VM/ }).isChecked()).toBe(true);
    await check('step2-mode');
    await keys.press(page.getByRole('button', { name: 'Next: target' }));
  });

  it('picks the target from the live inventory; SAN is planned BLOCKED as the choices change', async () => {
    expect(await focusedText()).toBe('Where to restore');
    await expect.poll(() => page.getByLabel('Connection').inputValue(), { timeout: 30_000 }).toBe('lab');
    const datastore = page.getByLabel('Datastore', { exact: true });
    await datastore.waitFor({ timeout: 60_000 });
    await keys.choose(datastore, new RegExp(`^${lab.info.datastores[0]!.name} \\(.*free after the restore`));
    await keys.type(page.getByLabel('Name of the restored VM'), 'kb-restored');
    await expect.poll(() => page.getByTestId('vm-name-check').textContent(), { timeout: 30_000 }).toContain('"kb-restored" is free');
    await keys.choose(page.getByLabel('Transport'), /^SAN$/);
    await keys.press(page.getByLabel('Power the VM on after the restore'), 'Space');
    await keys.type(page.getByLabel('Reason for the restore (for the report)'), 'keyboard-only e2e rehearsal');
    await expect.poll(() => page.getByTestId('plan-status').textContent(), { timeout: 60_000 }).toMatch(/^BLOCKED by XPORT-SAN-/);
    const format = page.getByLabel(/^Format of /).first();
    await keys.choose(format, /^Thick, eagerly zeroed$/);
    const network = page.getByLabel(/^Network for NICs on /).first();
    await keys.choose(network, /^(?!Same name)(?!VM Network$).+/);
    const mappedTo = await network.inputValue();
    mappedNetwork = mappedTo;
    expect(mappedTo).not.toBe('');
    await expect.poll(() => page.getByText(/^Planned: thick, eagerly zeroed/).count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await expect.poll(() => network.locator('xpath=..').textContent(), { timeout: 60_000 }).toContain(`Planned: ${mappedTo} (as you mapped it)`);
    await check('step3-target');
    await keys.press(page.getByRole('button', { name: 'Next: review the plan' }));
  });

  it('shows the plan BLOCKED by the SAN rule in words and fixes it with one click on "Choose auto"', async () => {
    await expect.poll(focusedText).toMatch(/^Plan for /);
    const verdict = page.getByTestId('plan-verdict');
    expect(await verdict.textContent()).toMatch(/^BLOCKED/);
    expect(await verdict.textContent()).toMatch(/XPORT-SAN-/);
    expect(await page.getByRole('button', { name: 'Start restore' }).isDisabled()).toBe(true);
    await check('step4-plan-blocked');
    await keys.press(page.getByRole('button', { name: 'Choose auto' }).first());
    await expect.poll(() => verdict.textContent(), { timeout: 60_000 }).toMatch(/^OK/);
    expect(await page.getByLabel('Transport', { exact: true }).count()).toBe(0);
    // The source → target card: name, datastore, each disk as a bar, the total to write.
    expect(await page.getByTestId('summary-target-name').textContent()).toBe('kb-restored');
    expect(await page.getByTestId('summary-total').textContent()).toMatch(/Total to write: \d/);
    expect(await page.getByRole('list', { name: 'Disks to write' }).getByRole('img').count()).toBeGreaterThan(0);
    // The encryption fallback is the user's explicit choice when the plan asks for it.
    const keep = page.getByRole('radio', { name: /Keep the original keys/ });
    if ((await keep.count()) > 0) await keys.press(keep, 'Space');
    await expect.poll(() => page.getByRole('button', { name: 'Start restore' }).isEnabled(), { timeout: 60_000 }).toBe(true);
    await check('step4-plan-ok');
  });

  it('runs the restore: per-disk progress, the checklist, the report in the app, and the VM as planned', async () => {
    await keys.press(page.getByRole('button', { name: 'Start restore' }));
    const outcome = page.getByTestId('job-outcome');
    await outcome.waitFor({ timeout: 180_000 });
    expect(await outcome.textContent()).toContain('Restore succeeded');
    const checklist = await page.getByTestId('job-checklist').textContent();
    expect(checklist).toContain('[done] Power the VM on');
    expect(checklist).toContain('[done] Write the allocated extents of every disk');
    expect(checklist).toMatch(/\[skipped\]/);
    expect(await page.getByTestId(/^disk-progress-/).count()).toBeGreaterThan(0);
    await check('step5-run-done');
    await keys.press(page.getByRole('button', { name: 'Open the report' }));
    const report = page.getByTestId('report-view');
    await report.getByRole('heading', { name: /^Report: restore succeeded/ }).waitFor({ timeout: 30_000 });
    expect(await report.textContent()).toContain('keyboard-only e2e rehearsal');
    await check('step5-report');

    const vm = (await listVms(session)).find((v) => v.name === 'kb-restored');
    expect(vm?.powerState).toBe('poweredOn');
    const { config } = await fetchVmConfigInfo(session, vm!.ref);
    expect(config.disks.some((d) => d.provisioning === 'eagerZeroed')).toBe(true);
    // The NIC is on the mapped network (a distributed port group is named by its key in the backing).
    const mapped = (await fetchInventory(session)).networks.find((n) => n.name === mappedNetwork);
    expect(config.nics.length).toBeGreaterThan(0);
    expect([mappedNetwork, mapped?.portgroupKey]).toContain(config.nics[0]!.sourceNetwork);
  });

  it('lists the job on the Jobs page, filterable, with its report', async () => {
    await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }));
    await page.getByRole('table', { name: 'Jobs on disk' }).waitFor({ timeout: 30_000 });
    await keys.type(page.getByLabel('Filter by VM, job or target'), 'kb-restored');
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('1 of 1 jobs');
    await keys.type(page.getByLabel('Filter by VM, job or target'), 'no-such-vm');
    await expect.poll(() => page.getByTestId('history-count').textContent()).toBe('0 of 1 jobs');
    await keys.type(page.getByLabel('Filter by VM, job or target'), '');
    await keys.press(page.getByRole('button', { name: /^Open report of / }).first());
    await page.getByTestId('report-view').getByRole('heading', { name: /^Report: restore succeeded/ }).waitFor({ timeout: 30_000 });
    await check('page-jobs-history');
  });

  it('found no axe violations and no horizontal overflow on any page or step', () => {
    expect({ checked, violations }).toEqual({
      checked: [
        'page-connections', 'page-repositories', 'page-jobs', 'page-lab', 'page-about', 'step1-empty', 'step1-point', 'step2-mode', 'step3-target',
        'step4-plan-blocked', 'step4-plan-ok', 'step5-run-done', 'step5-report', 'page-jobs-history',
      ],
      violations: {},
    });
  });
});
