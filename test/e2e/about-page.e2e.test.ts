import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { startServeProcess, type ServedHost } from '../support/serve-process';

const OUTPUT = join(__dirname, '..', '..', 'test-output', 'e2e');

describe('end to end: lifeboat serve in real Chromium', () => {
  let home: string;
  let host: ServedHost;
  let browser: Browser;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lifeboat-e2e-'));
    await mkdir(OUTPUT, { recursive: true });
    host = await startServeProcess({ ...process.env, LIFEBOAT_HOME: home, LIFEBOAT_VDDK_DIR: join(home, 'no-vddk-here') });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('refuses the page without the token (401)', async () => {
    const reply = await fetch(`http://127.0.0.1:${host.port}/`);
    expect(reply.status).toBe(401);
  });

  it('opens with the token, navigates to About and shows the detected facts', async () => {
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(host.url);
    await page.getByRole('link', { name: 'About' }).click();
    await expect.poll(() => page.url()).toMatch(/#\/about$/);
    const vm = page.getByTestId('fact-vm');
    await vm.waitFor();
    expect(await vm.textContent()).toMatch(/Virtual machine(Yes|No|Unknown)/);
    expect(await page.getByTestId('fact-os').textContent()).toContain(process.platform);
    const vddk = await page.getByTestId('fact-vddk').textContent();
    expect(vddk).toContain('Not found');
    expect(vddk).toContain('no-vddk-here');
    expect(await page.getByTestId('fact-keychain').textContent()).toMatch(/Keychain(Available|Not available)/);
    expect(await page.getByTestId('fact-version').textContent()).toContain('browser');
    await page.screenshot({ path: join(OUTPUT, 'about-page.png'), fullPage: true });
    expect(cspViolations).toEqual([]);
    // The token is one-time: a second browser context cannot reuse it.
    const other = await browser.newContext();
    const again = await other.newPage();
    const response = await again.goto(host.url);
    expect(response?.status()).toBe(401);
    await other.close();
  });
});
