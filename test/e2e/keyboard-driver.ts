import type { Locator, Page } from 'playwright-core';

/** Most Tab presses to reach one control; a page with more is a finding in itself. */
const MAX_TABS = 120;

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el === document.activeElement).catch(() => false);
}

/**
 * Drives the page the way a keyboard-only user does: Tab (and Shift+Tab) until
 * the wanted control has focus, then keys. Nothing is clicked and no element is
 * focused by script, so a control Tab cannot reach fails the test.
 */
export class KeyboardDriver {
  constructor(private readonly page: Page) {}

  async tabTo(target: Locator, backwards = false): Promise<void> {
    await target.waitFor({ state: 'visible', timeout: 60_000 });
    for (let i = 0; i < MAX_TABS; i++) {
      if (await isFocused(target)) return;
      await this.page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    }
    if (!backwards) return this.tabTo(target, true);
    throw new Error(`Tab never reached ${target.toString()}`);
  }

  async press(target: Locator, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
    await this.tabTo(target);
    await this.page.keyboard.press(key === 'Space' ? ' ' : key);
  }

  async type(target: Locator, text: string): Promise<void> {
    await this.tabTo(target);
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Backspace');
    if (text) await this.page.keyboard.type(text);
  }

  /** A <select>: Home, then ArrowDown until the chosen option's text matches (the keyboard way on every platform). */
  async choose(select: Locator, option: RegExp): Promise<void> {
    await this.tabTo(select);
    const count = await select.locator('option').count();
    await this.page.keyboard.press('Home');
    for (let i = 0; i <= count; i++) {
      const text = await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent ?? '');
      if (option.test(text)) return;
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no option matching ${option} in ${select.toString()}`);
  }
}
