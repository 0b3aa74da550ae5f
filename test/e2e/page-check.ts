import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { axeViolations, describeViolations } from './axe-check';

export const WIDE = { width: 1360, height: 900 };
export const NARROW = { width: 1024, height: 768 };

/**
 * axe on the page as it is now and a photograph at 1360×900 and 1024×768;
 * violations and horizontal overflow at 1024 px are collected by step name, so
 * one last assertion lists every step checked and every problem found.
 */
export class PageCheck {
  readonly checked: string[] = [];
  readonly violations: Record<string, string> = {};

  constructor(
    private readonly page: Page,
    private readonly outputDir: string,
  ) {}

  async check(name: string): Promise<void> {
    await mkdir(this.outputDir, { recursive: true });
    this.checked.push(name);
    const found = await axeViolations(this.page);
    if (found.length > 0) this.violations[name] = describeViolations(found);
    await this.page.screenshot({ path: join(this.outputDir, `${name}-1360x900.png`), fullPage: true });
    await this.page.setViewportSize(NARROW);
    const overflow = await this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) this.violations[`${name} at 1024 px`] = `horizontal overflow of ${overflow} px`;
    await this.page.screenshot({ path: join(this.outputDir, `${name}-1024x768.png`), fullPage: true });
    await this.page.setViewportSize(WIDE);
  }
}
