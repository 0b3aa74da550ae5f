import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
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

  it('gives a second browser a new one-time link from `lifeboat serve --new-link`, without a restart, and shows a favicon', async () => {
    const bin = join(__dirname, '..', '..', 'bin', 'lifeboat.js');
    const ask = () => promisify(execFile)(process.execPath, [bin, '--json', 'serve', '--new-link'], { env: { ...process.env, LIFEBOAT_HOME: home } });
    const { stdout } = await ask();
    const link = (JSON.parse(stdout) as { url: string }).url;
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=`));
    const second = await browser.newContext();
    const page = await second.newPage();
    const opened = await page.goto(link);
    expect(opened?.status()).toBe(200);
    await page.getByRole('link', { name: 'About' }).click();
    await page.getByTestId('fact-os').waitFor();
    // The favicon the page names is served (with the session cookie) as an SVG image.
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toBeTruthy();
    const favicon = await page.request.get(new URL(icon!, page.url()).toString());
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()['content-type']).toBe('image/svg+xml');
    // Each link works once: the same link in a third browser is refused.
    const third = await browser.newContext();
    expect((await (await third.newPage()).goto(link))?.status()).toBe(401);
    // Another link can be asked for at any time; it makes the previous unused one invalid.
    const again = (JSON.parse((await ask()).stdout) as { url: string }).url;
    expect(again).not.toBe(link);
    await second.close();
    await third.close();
  });
});
