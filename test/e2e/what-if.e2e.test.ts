import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';
import { KeyboardDriver } from './keyboard-driver';
import { PageCheck, WIDE } from './page-check';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e', 'what-if');

/**
 * The what-if panel of the Lab page, keyboard only, against `lifeboat serve`:
 * a shipped scenario (SAN asked for from a VM onto a VVol datastore that is too
 * small) is BLOCKED; changing the facts in the form (transport auto, more free
 * space) makes the same planner answer OK. axe and screenshots on every step.
 */
describe('end to end: what if, the plan changing as the facts change', () => {
  let dir: string;
  let host: ServedHost;
  let browser: Browser;
  let page: Page;
  let keys: KeyboardDriver;
  let checks: PageCheck;
  const verdict = () => page.getByTestId('what-if-verdict').textContent();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-whatif-'));
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: join(dir, 'home') });
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

  it('plans a shipped scenario: SAN from a VM onto VVol, too little space, BLOCKED', async () => {
    await keys.press(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lab', exact: true }));
    await keys.choose(page.getByLabel('Scenario'), /^blocked-san-from-vm$/);
    await expect.poll(verdict).toBe('BLOCKED by XPORT-SAN-NEEDS-PHYSICAL, XPORT-SAN-NO-VVOL, XPORT-NO-AVAILABLE, DATA-THICK-SPACE');
    expect(await page.getByLabel('Lifeboat runs on').inputValue()).toBe('vm');
    await checks.check('what-if-blocked');
  });

  it('lets the planner choose the transport: only the space rule still blocks', async () => {
    await keys.choose(page.getByLabel('Transport asked for'), /^auto/);
    await expect.poll(verdict).toBe('BLOCKED by DATA-THICK-SPACE');
    expect(await page.getByTestId('what-if-transports').textContent()).toBe('Transports: Hard disk 1: hotadd');
    await checks.check('what-if-auto-transport');
  });

  it('gives the datastore 500 GiB free: the plan can run', async () => {
    await keys.type(page.getByLabel('Free space on the datastore (GiB)'), '500');
    await expect.poll(verdict).toBe('OK: the plan can run');
    expect(await page.getByTestId('what-if-findings').textContent()).toContain('XPORT-SAN-NEEDS-PHYSICAL (info)');
    await checks.check('what-if-ok');
  });

  it('found no axe violations and no horizontal overflow on any step', () => {
    expect({ checked: checks.checked, violations: checks.violations }).toEqual({
      checked: ['what-if-blocked', 'what-if-auto-transport', 'what-if-ok'],
      violations: {},
    });
  });
});
