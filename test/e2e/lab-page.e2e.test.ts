import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OsKeychain } from '../../electron/keychain/os-keychain';
import { backgroundLabStatus, stopBackgroundLab } from '../../electron/lab/lab-daemon';
import { LAB_VMS } from '../../electron/lab/lab-info';
import { ConnectionStore } from '../../electron/connections/connection-store';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { KeyboardDriver } from './keyboard-driver';
import { PageCheck, WIDE } from './page-check';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'lab');

/**
 * The Lab page for trainers, keyboard only, in Chromium against `lifeboat
 * serve`: start the lab in ESXi mode, reset it (a file left in a datastore
 * folder is gone, the special VMs are back, same mode, a new process), stop it.
 * The page controls the same background lab `lifeboat lab` does. Every step is
 * checked with axe-core and photographed at 1360×900 and 1024×768.
 */
describe('end to end: the Lab page starts, resets and stops the lab, keyboard only', () => {
  let dir: string;
  let home: string;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let checks: PageCheck;
  let firstPid = '';
  let leftover = '';
  const keychain = new OsKeychain();

  const state = () => page.getByTestId('lab-state').textContent();
  const activity = () => page.getByTestId('lab-activity').textContent();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-lab-'));
    home = join(dir, 'home');
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: WIDE });
    keys = new KeyboardDriver(page);
    checks = new PageCheck(page, OUTPUT);
    await page.goto(host.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    // Whatever the test reached, no simulator outlives it.
    if (home) await stopBackgroundLab(home, keychain).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the lab stopped, with the free space where its datastores will go', async () => {
    await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lab', exact: true }));
    await expect.poll(() => page.title()).toBe('Lab — Lifeboat');
    await expect.poll(state).toContain('Stopped');
    expect(await page.getByTestId('lab-free-space').textContent()).toMatch(/Free space: [\d.]+ \w+ free of [\d.]+ \w+/);
    await checks.check('lab-stopped');
  });

  it('starts the lab in ESXi mode, showing a busy state while it starts', async () => {
    // A radio group is one Tab stop (the chosen radio); the arrow keys move the choice.
    await keys.tabTo(page.getByRole('radio', { name: /^vCenter/ }));
    await page.keyboard.press('ArrowDown');
    expect(await page.getByRole('radio', { name: /^ESXi/ }).isChecked()).toBe(true);
    await checks.check('lab-mode-chosen');
    await keys.press(page.getByRole('button', { name: 'Start the lab' }));
    await expect.poll(activity).toMatch(/Starting the lab in ESXi mode|The lab runs in ESXi mode/);
    if ((await activity())?.startsWith('Starting')) await checks.check('lab-starting');
    await expect.poll(activity, { timeout: 180_000 }).toBe('The lab runs in ESXi mode.');
    expect(await state()).toContain('Running');
    expect(await page.getByTestId('lab-mode').textContent()).toMatch(/^ESXi/);
    expect(await page.getByTestId('lab-vms').textContent()).toContain(LAB_VMS.efiVtpm);
    firstPid = (await page.getByTestId('lab-pid').textContent()) ?? '';
    // The page started the same background lab the command line sees, and saved connection "lab".
    const status = await backgroundLabStatus(home);
    expect({ running: status.running, answering: status.answering, mode: status.state?.mode, pid: String(status.state?.pid) }).toEqual({
      running: true,
      answering: true,
      mode: 'esxi',
      pid: firstPid,
    });
    expect((await new ConnectionStore(home).get('lab'))?.apiType).toBe('HostAgent');
    await checks.check('lab-running');
  });

  it('resets the lab after a confirmation: same mode, new process, the datastore folders fresh', async () => {
    const before = await backgroundLabStatus(home);
    const folder = before.state!.datastores[0]!.folder;
    leftover = join(folder, 'restored-by-a-trainee.vmdk');
    await writeFile(leftover, 'a disk a trainee restored');
    await keys.press(page.getByRole('button', { name: 'Reset the lab…' }));
    await page.getByRole('button', { name: 'Yes, reset the lab' }).waitFor();
    await checks.check('lab-reset-confirm');
    await keys.press(page.getByRole('button', { name: 'Yes, reset the lab' }));
    await expect.poll(activity, { timeout: 180_000 }).toBe('The lab was reset and runs again in ESXi mode with fresh datastores.');
    expect(await state()).toContain('Running');
    expect(await page.getByTestId('lab-mode').textContent()).toMatch(/^ESXi/);
    const pid = await page.getByTestId('lab-pid').textContent();
    expect(pid).not.toBe(firstPid);
    expect(await page.getByTestId('lab-vms').textContent()).toContain(LAB_VMS.thinThick);
    const after = await backgroundLabStatus(home);
    expect(after.state?.mode).toBe('esxi');
    // The trainee's disk is gone, and the new lab's datastores hold no trace of it.
    await expect(readdir(folder)).rejects.toThrow();
    for (const d of after.state!.datastores) expect(await readdir(d.folder)).not.toContain('restored-by-a-trainee.vmdk');
    await checks.check('lab-reset-done');
  });

  it('stops the lab', async () => {
    await keys.press(page.getByRole('button', { name: 'Stop the lab' }));
    await expect.poll(activity, { timeout: 60_000 }).toBe('The lab is stopped.');
    expect(await state()).toContain('Stopped');
    expect((await backgroundLabStatus(home)).state).toBeUndefined();
    expect(await new ConnectionStore(home).get('lab')).toBeUndefined();
    await checks.check('lab-stopped-again');
  });

  it('found no axe violations and no horizontal overflow on any step', () => {
    expect({ checked: checks.checked.filter((c) => c !== 'lab-starting'), violations: checks.violations }).toEqual({
      checked: ['lab-stopped', 'lab-mode-chosen', 'lab-running', 'lab-reset-confirm', 'lab-reset-done', 'lab-stopped-again'],
      violations: {},
    });
  });
});
