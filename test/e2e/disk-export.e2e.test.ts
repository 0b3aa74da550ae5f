import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalFolderBackend } from '../../electron/repository/local-folder-backend';
import { Repository } from '../../electron/repository/repository';
import { exportDisk } from '../../electron/restore-points/disk-export';
import { DEMO_PASSWORD, DEMO_VM_NAME } from '../../electron/restore-points/demo-restore-point';
import { qemuImg } from '../integration/disks/qemu-img';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { KeyboardDriver } from './keyboard-driver';
import { PageCheck, WIDE } from './page-check';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'export');

/**
 * The Repositories page and the disk export wizard, keyboard only, in
 * Chromium against `lifeboat serve`: open the demo repository, read a point's
 * details (ConfigInfo summary, disks, encryption, vTPM, NVRAM), export its
 * first disk as a streamOptimized VMDK (a destination inside the repository is
 * refused first), judge the file with qemu-img, and verify the repository with
 * progress. axe and screenshots at 1360×900 and 1024×768 on every step.
 */
describe('end to end: repository details and the disk export wizard, keyboard only', () => {
  let dir: string;
  let home: string;
  let outDir: string;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let checks: PageCheck;
  const exported = () => join(outDir, 'demo-disk1.vmdk');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-export-'));
    home = join(dir, 'home');
    outDir = join(dir, 'exports');
    await mkdir(outDir);
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_REPO_PASSWORD_FILE: '' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: WIDE });
    keys = new KeyboardDriver(page);
    checks = new PageCheck(page, OUTPUT);
    await page.goto(host.url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens the demo repository with one key press; it is then a recent repository', async () => {
    await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories', exact: true }));
    await expect.poll(() => page.title()).toBe('Repositories — Lifeboat');
    await checks.check('repositories-empty');
    await keys.press(page.getByRole('button', { name: 'Open the demo repository' }));
    await page.getByRole('table', { name: /^Restore points in / }).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByRole('button', { name: /^Open .*demo-repository$/ }).count(), { timeout: 30_000 }).toBe(1);
    await checks.check('repositories-demo-open');
  });

  it('shows a point in detail: ConfigInfo summary, disks, encryption, vTPM and NVRAM', async () => {
    await keys.press(page.getByRole('button', { name: `Details of ${DEMO_VM_NAME}` }));
    const details = page.getByTestId('point-details');
    await details.waitFor({ timeout: 30_000 });
    expect(await details.textContent()).toContain('Microsoft Windows Server 2022');
    expect(await page.getByTestId('detail-encrypted').textContent()).toBe('Yes');
    expect(await page.getByTestId('detail-vtpm').textContent()).toBe('Yes');
    expect(await page.getByTestId('detail-nvram').textContent()).toMatch(/^Saved \(.+\.nvram, /);
    expect(await page.getByRole('table', { name: `Disks of ${DEMO_VM_NAME}` }).getByRole('row').count()).toBeGreaterThan(1);
    await checks.check('point-details');
  });

  it('refuses a destination inside the repository, then exports the disk as a VMDK with progress and verification', async () => {
    await keys.press(page.getByRole('button', { name: 'Export a disk…' }));
    const wizard = page.getByTestId('export-wizard');
    await wizard.waitFor();
    expect(await page.getByRole('radio', { name: /^VMDK, streamOptimized/ }).isChecked()).toBe(true);
    await checks.check('export-step1-disk-format');
    await keys.press(page.getByRole('button', { name: 'Next: destination' }));
    await keys.type(page.getByLabel('Destination file'), join(home, 'demo-repository', 'disk1.vmdk'));
    await checks.check('export-step2-destination');
    await keys.press(page.getByRole('button', { name: 'Next: review' }));
    await keys.press(page.getByRole('button', { name: 'Export', exact: true }));
    const alert = wizard.getByRole('alert');
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toMatch(/is inside the repository .*demo-repository/);
    await checks.check('export-refused-inside-repository');

    await keys.press(page.getByRole('button', { name: 'Back' }));
    await keys.type(page.getByLabel('Destination file'), exported());
    await keys.press(page.getByRole('button', { name: 'Next: review' }));
    expect(await page.getByTestId('export-review').textContent()).toContain(exported());
    await checks.check('export-step3-review');
    await keys.press(page.getByRole('button', { name: 'Export', exact: true }));
    const status = page.getByTestId('job-line-status');
    await expect.poll(() => status.textContent(), { timeout: 180_000 }).toMatch(/^Done\./);
    expect(await status.textContent()).toMatch(/read back identical to the restore point \(digest crc32:[0-9a-f]{8}\)/);
    await checks.check('export-done');

    // qemu-img judges the file: a VMDK whose content equals the restore point's disk (exported raw by the engine's own code).
    const info = JSON.parse((await qemuImg('info', '--output=json', exported())).stdout) as { format: string; 'format-specific'?: { data?: { 'create-type'?: string } } };
    expect(info.format).toBe('vmdk');
    expect(info['format-specific']?.data?.['create-type']).toBe('streamOptimized');
    const repo = await Repository.open(new LocalFolderBackend(join(home, 'demo-repository')), DEMO_PASSWORD);
    const point = await repo.openPoint((await repo.pointIds())[0]!);
    const reference = join(dir, 'reference.raw');
    await exportDisk(point.disk(point.manifest.disks[0]!.key), reference, { format: 'raw' });
    const compare = await qemuImg('compare', '-f', 'vmdk', '-F', 'raw', exported(), reference);
    expect({ code: compare.code, out: compare.stdout.trim() }).toEqual({ code: 0, out: 'Images are identical.' });
  });

  it('verifies the repository with progress', async () => {
    await keys.press(page.getByRole('button', { name: 'Close the export' }));
    await keys.press(page.getByRole('button', { name: /^Verify .*demo-repository$/ }));
    const status = page.getByTestId('job-verify').getByTestId('job-line-status');
    await expect.poll(() => status.textContent(), { timeout: 120_000 }).toMatch(/^Done\. No problems: 1 restore points, [1-9]\d* packs, .* read$/);
    // Every pack was read: the bar is full.
    const bar = page.getByTestId('job-verify').getByRole('progressbar');
    expect(await bar.getAttribute('value')).toBe(await bar.getAttribute('max'));
    await checks.check('verify-done');
  });

  it('"Restore…" opens the restore wizard with this point chosen', async () => {
    await keys.press(page.getByRole('button', { name: 'Restore…' }));
    await expect.poll(() => page.title()).toBe('Restore: Restore point — Lifeboat');
    await expect.poll(() => page.getByRole('radio', { name: new RegExp(`Restore point of ${DEMO_VM_NAME}`) }).isChecked()).toBe(true);
  });

  it('found no axe violations and no horizontal overflow on any step', () => {
    expect({ checked: checks.checked, violations: checks.violations }).toEqual({
      checked: [
        'repositories-empty', 'repositories-demo-open', 'point-details', 'export-step1-disk-format', 'export-step2-destination',
        'export-refused-inside-repository', 'export-step3-review', 'export-done', 'verify-done',
      ],
      violations: {},
    });
  });
});
