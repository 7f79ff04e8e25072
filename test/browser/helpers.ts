/** Small page helpers shared by the browser tests. */
import type { Locator, Page } from 'playwright-core';

/** The SQL cells of the notebook, in order. */
export const sqlCells = (page: Page): Locator => page.locator('.cell.sql');

/** Types text into a cell's editor as if pasted (no auto-closing brackets, no completion popups). */
export async function typeInCell(page: Page, cell: Locator, text: string): Promise<void> {
  await cell.locator('.cm-content').click();
  await page.keyboard.insertText(text);
}

/** The text of a cell's editor. */
export async function cellText(cell: Locator): Promise<string> {
  return cell.locator('.cm-content').evaluate((el) => Array.from(el.querySelectorAll('.cm-line'), (l) => l.textContent ?? '').join('\n'));
}

/** Resolves when `f` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await f();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Waits for a completion option starting with `label`, then accepts it with Enter. */
export async function acceptCompletion(page: Page, label: string): Promise<void> {
  const options = page.locator('.cm-tooltip-autocomplete li');
  await eventually(`completion "${label}"`, async () => (await options.allTextContents()).some((t) => t.startsWith(label)));
  // CodeMirror ignores Enter for a short moment after the popup opens (interactionDelay).
  await page.waitForTimeout(150);
  await page.keyboard.press('Enter');
}
