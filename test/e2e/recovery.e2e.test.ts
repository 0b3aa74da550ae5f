import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labStatePaths } from '../../electron/lab/lab-state';
import { labVddkConfig } from '../../electron/lab/lab-vddk-config';
import { labVddkDir } from '../../electron/vddk/vddk-discovery';
import { listVms } from '../../electron/vsphere/inventory';
import { startRecoveryLab, type RecoveryLab } from '../integration/recovery/recovery-lab-fixture';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { KeyboardDriver } from './keyboard-driver';
import { PageCheck, WIDE } from './page-check';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'recovery');

/** The site: a directory server first, then a database and an application server together, each on its own host. */
const SITE = [
  { group: 'Directory', vm: 'site-dc01' },
  { group: 'Applications', vm: 'site-db01' },
  { group: 'Applications', vm: 'site-app01' },
];

function planYaml(lab: RecoveryLab): string {
  const hosts = lab.lab.info.hosts.filter((h) => h.cluster).map((h) => h.name);
  const vm = (name: string, i: number) => `      - vm: ${name}\n        name: ${name}-dr\n        host: ${hosts[i % hosts.length]}\n`;
  return [
    'name: E2E site rehearsal',
    `repository: ${lab.repoDir}`,
    'connection: lab',
    'defaults:',
    '  datastore: LocalDS_0',
    '  verify: true',
    'groups:',
    '  - name: Directory',
    '    vms:',
    vm('site-dc01', 0),
    '    then:',
    '      waitFor: restored',
    '  - name: Applications',
    '    vms:',
    vm('site-db01', 1) + vm('site-app01', 2),
  ].join('\n');
}

/**
 * The Recovery page, keyboard only, in Chromium against `lifeboat serve` with
 * the lab behind it (vCenter mode, 3 hosts, restore points of a small site in
 * one repository, the lab VDDK): open the repository, open a broken plan file
 * (its problems with their lines), open the plan, run it, watch it finish.
 * Every step is checked with axe-core and photographed at 1360×900 and 1024×768.
 */
describe('end to end: run a small recovery plan from the Recovery page', () => {
  let site: RecoveryLab;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let checks: PageCheck;
  let planFile: string;

  beforeAll(async () => {
    site = await startRecoveryLab('e2e-recovery', SITE.map((s) => ({ name: s.vm })), { hosts: 3 });
    const home = site.env.LIFEBOAT_HOME!;
    await mkdir(join(labStatePaths.vddkConfig(home), '..'), { recursive: true });
    await writeFile(labStatePaths.vddkConfig(home), labVddkConfig(site.lab.info, { extra: { 'labvddk.stateDir': site.dir, 'labvddk.serverMode': 'vcenter' } }), { mode: 0o600 });
    planFile = await site.writePlan('site-rehearsal.yaml', planYaml(site));
    // The repository is opened in the page with its password, not from the fixture's password file.
    host = await startServeProcess({ ...site.env, LIFEBOAT_VDDK_DIR: labVddkDir(), LIFEBOAT_REPO_PASSWORD_FILE: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: WIDE });
    keys = new KeyboardDriver(page);
    checks = new PageCheck(page, OUTPUT);
    await page.goto(host.url);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await site?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

  it('opens the site repository, then shows a broken plan file\'s problems with their lines', async () => {
    await keys.press(nav('Recovery'));
    await expect.poll(() => page.title()).toBe('Recovery — Lifeboat');
    await checks.check('01-recovery-empty');

    await keys.press(nav('Repositories'));
    await keys.type(page.getByLabel('Repository folder'), site.repoDir);
    await keys.type(page.getByLabel('Repository password'), 'pw');
    await keys.press(page.getByRole('button', { name: 'Open repository' }));
    await page.getByTestId(/^repository-/).first().waitFor({ timeout: 60_000 });

    await keys.press(nav('Recovery'));
    // Line 8 asks for a restore point in words the file format does not know.
    const broken = await site.writePlan(
      'broken.yaml',
      `name: Broken\nrepository: ${site.repoDir}\nconnection: lab\ngroups:\n  - name: Directory\n    vms:\n      - vm: site-dc01\n        point: yesterday\n`,
    );
    await keys.type(page.getByLabel('Plan file on the Lifeboat machine'), broken);
    await keys.press(page.getByRole('button', { name: 'Open and plan' }));
    const problem = page.getByTestId('recovery-problem');
    await problem.waitFor({ timeout: 60_000 });
    expect(await problem.getByTestId('plan-file-problem').allTextContents()).toEqual([expect.stringMatching(/^Line 8/)]);
    await checks.check('02-recovery-file-problems');
  }, 180_000);

  it('plans the site: both groups in order, every VM on its host, the datastore\'s space, the estimate', async () => {
    await keys.type(page.getByLabel('Plan file on the Lifeboat machine'), planFile);
    await keys.press(page.getByRole('button', { name: 'Open and plan' }));
    await page.getByTestId('recovery-plan').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('recovery-verdict').textContent()).toContain('Ready to run');
    const groups = await page.getByTestId(/^plan-group-/).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(groups).toEqual(['plan-group-Directory', 'plan-group-Applications']);
    for (const s of SITE) expect(await page.getByTestId(`plan-vm-${s.vm}`).textContent()).toContain(`${s.vm}-dr`);
    expect(await page.getByTestId('datastore-LocalDS_0').textContent()).toContain('fits');
    expect(await page.getByTestId('recovery-estimate').textContent()).not.toContain('unknown');
    await checks.check('03-recovery-plan');
  }, 180_000);

  it('runs the plan after the confirm, shows every VM and the timeline, and finishes with every VM on the target', async () => {
    await keys.press(page.getByRole('button', { name: 'Run the recovery' }));
    const dialog = page.getByRole('dialog', { name: 'Run the recovery E2E site rehearsal?' });
    await dialog.waitFor();
    expect(await dialog.getByTestId('confirm-vms').textContent()).toContain('site-app01-dr');
    await checks.check('04-recovery-confirm');
    await keys.press(dialog.getByRole('button', { name: 'Create 3 VMs and run' }));

    await page.getByTestId('recovery-run').waitFor({ timeout: 60_000 });
    await checks.check('05-recovery-running');
    await expect.poll(() => page.getByTestId('recovery-state').textContent(), { timeout: 300_000, interval: 1000 }).toMatch(/^Recovery (succeeded|failed|cancelled)$/);
    const problems = await page.getByTestId(/^vm-state-/).allTextContents();
    expect(await page.getByTestId('recovery-state').textContent(), problems.join('\n')).toBe('Recovery succeeded');
    expect(await page.getByTestId('recovery-overall').textContent()).toContain('3 of 3 VMs done');
    expect(await page.getByTestId(/^timeline-bar-/).count()).toBe(3);
    expect(await page.getByTestId('timeline-up-Directory').count()).toBe(1);
    expect(await page.getByTestId('timeline-up-Applications').count()).toBe(1);
    await checks.check('06-recovery-finished');

    const names = (await listVms(site.session)).map((v) => v.name);
    for (const s of SITE) expect(names).toContain(`${s.vm}-dr`);
    const report = (await page.getByTestId('recovery-report').textContent()) ?? '';
    expect(report).toMatch(/\.html$/);
    expect(await readFile(report, 'utf8')).toContain('site-app01-dr');

    await keys.press(nav('Jobs'));
    await page.getByRole('heading', { name: 'Recoveries' }).waitFor();
    await checks.check('07-jobs-with-recovery');
    expect(checks.violations).toEqual({});
  }, 420_000);
});
