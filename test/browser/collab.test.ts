/**
 * Two analysts in one notebook, in a real browser: they see each other (avatars, cursors with
 * names, a bar on the cell each is in), one follows the other, each cell says who edited it
 * last, they discuss in comment threads, save and restore versions, and one keeps working
 * through a lost connection and merges when it returns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { eventually } from './helpers.js';

const skip = skipReason() !== null;
const NOTEBOOK = 'collab-test';

/** A notebook with many cells, so that following someone has to scroll. */
function notebookFile(): string {
  const cells: string[] = [];
  for (let i = 1; i <= 24; i++) {
    cells.push(i % 3 === 0 ? `<!-- cell id=m${i} -->\nNote ${i}: the transfers of week ${i}.` : `\`\`\`sql name=q${i} id=c${i}\nSELECT ${i} AS n\n\`\`\``);
  }
  return `---\ntitle: Collab test\n---\n\n${cells.join('\n\n')}\n`;
}

const cell = (page: Page, id: string) => page.locator(`.cell[data-cell-id="${id}"]`);

/** A cell editor's text, without the other people's carets drawn in it. */
async function cellText(locator: ReturnType<typeof cell>): Promise<string> {
  return locator.locator('.cm-content').evaluate((el) =>
    Array.from(el.querySelectorAll('.cm-line'), (line) => {
      const copy = line.cloneNode(true) as HTMLElement;
      copy.querySelectorAll('.cm-ySelectionCaret, .cm-widgetBuffer').forEach((w) => w.remove());
      return copy.textContent ?? '';
    }).join('\n'),
  );
}

/** Opens the notebook and gives the person a name through the name card. */
async function openAs(page: Page, baseUrl: string, name: string): Promise<void> {
  await page.goto(`${baseUrl}/n/${NOTEBOOK}`);
  await page.getByTestId('name-picker').waitFor();
  await page.getByTestId('name-input').fill(name);
  await page.getByTestId('name-save').click();
  await cell(page, 'c1').waitFor();
  await eventually(`${name} in their own avatar`, async () => (await page.getByTestId('avatar-self').getAttribute('data-name')) === name);
}

/** Puts the caret at the end of a SQL cell's text. */
async function caretAtEnd(page: Page, id: string): Promise<void> {
  await cell(page, id).locator('.cm-content').click();
  await page.keyboard.press('Control+End');
}

describe.skipIf(skip)('working together in the browser', () => {
  const h = new Harness();
  let ana: Page;
  let bruno: Page;

  beforeAll(async () => {
    await h.start();
    writeFileSync(join(h.home, 'notebooks', `${NOTEBOOK}.md`), notebookFile());
    ana = await h.newPage();
    bruno = await h.newPage();
    await openAs(ana, h.baseUrl, 'Ana Lima');
    await openAs(bruno, h.baseUrl, 'Bruno');
  });

  afterAll(async () => {
    await h.stop();
  });

  it('shows who is here as avatars with initials, and remembers the picked name', async () => {
    await eventually('Bruno among Ana’s avatars', async () => (await ana.getByTestId('avatar').getAttribute('data-name')) === 'Bruno');
    expect(await ana.getByTestId('avatar').textContent()).toBe('B');
    expect(await bruno.getByTestId('avatar').textContent()).toBe('AL');
    // Asked once: a reload keeps the name and asks nothing.
    await bruno.reload();
    await cell(bruno, 'c1').waitFor();
    await eventually('Bruno’s name kept', async () => (await bruno.getByTestId('avatar-self').getAttribute('data-name')) === 'Bruno');
    expect(await bruno.getByTestId('name-picker').count()).toBe(0);
  });

  it('shows each person’s cursor labelled with their name, and a bar on the cell they are in', async () => {
    await caretAtEnd(bruno, 'c2');
    await bruno.keyboard.insertText(' -- checked');
    // Ana sees Bruno's caret in that cell, with his name, and his colour on the cell's edge.
    const caret = cell(ana, 'c2').locator('.cm-ySelectionCaret');
    await caret.waitFor({ timeout: 10_000 });
    expect(await cell(ana, 'c2').locator('.cm-ySelectionInfo').textContent()).toBe('Bruno');
    await eventually('a presence bar on c2', async () => (await cell(ana, 'c2').getByTestId('cell-presence').getAttribute('data-names')) === 'Bruno');
    expect(await cell(ana, 'c1').getByTestId('cell-presence').count()).toBe(0);
    expect(await cellText(cell(ana, 'c2'))).toBe('SELECT 2 AS n -- checked');
  });

  it('says who last edited each cell', async () => {
    await eventually('attribution on c2', async () => /^edited by Bruno · just now$/.test((await cell(ana, 'c2').getByTestId('cell-attribution').textContent()) ?? ''));
    // A cell nobody edited in Carnet says nothing.
    expect(await cell(ana, 'c4').getByTestId('cell-attribution').isHidden()).toBe(true);
  });

  it('follows a person: the view scrolls to the cell they work in, until you scroll yourself', async () => {
    const scroller = ana.locator('.notebook-main');
    await scroller.evaluate((el) => el.scrollTo(0, 0));
    await ana.getByTestId('avatar').click();
    expect(await ana.getByTestId('avatar').getAttribute('aria-pressed')).toBe('true');
    await caretAtEnd(bruno, 'c23');
    await eventually('c23 scrolled into Ana’s view', async () => {
      const box = await cell(ana, 'c23').boundingBox();
      return box !== null && box.y > 0 && box.y < 768;
    });
    // Ana scrolls herself: following ends.
    await scroller.hover();
    await ana.mouse.wheel(0, -400);
    await eventually('following stopped', async () => (await ana.getByTestId('avatar').getAttribute('aria-pressed')) === 'false');
  });

  it('discusses a range of a cell in a thread: comment, reply, resolve, reopen, delete one’s own', async () => {
    // Ana selects "SELECT 5" in c5 and comments on it.
    await cell(ana, 'c5').locator('.cm-content').click();
    await ana.keyboard.press('Control+Home');
    for (let i = 0; i < 8; i++) await ana.keyboard.press('Shift+ArrowRight');
    await cell(ana, 'c5').getByTestId('add-comment').click();
    await ana.getByTestId('comment-input').fill('Why 5 and not 6?');
    await ana.getByTestId('comment-post').click();
    const anaThread = ana.getByTestId('thread');
    await anaThread.waitFor();
    expect(await anaThread.locator('.thread-quote').textContent()).toBe('SELECT 5');

    // Bruno sees the count on the cell and in the top bar, opens the thread, replies.
    await eventually('badge on c5 for Bruno', async () => (await cell(bruno, 'c5').getByTestId('comment-badge').textContent()) === '1');
    expect(await bruno.getByTestId('comments-count').textContent()).toBe('1');
    await cell(bruno, 'c5').getByTestId('comment-badge').click();
    const brunoThread = bruno.getByTestId('thread');
    await brunoThread.waitFor();
    expect(await brunoThread.locator('.comment-text').first().textContent()).toBe('Why 5 and not 6?');
    // Not his comment: he cannot delete it.
    expect(await brunoThread.getByTestId('delete-comment').count()).toBe(0);
    await brunoThread.getByTestId('reply-input').fill('Because of the week filter.');
    await brunoThread.getByTestId('reply-input').press('Enter');
    await eventually('the reply at Ana', async () => (await anaThread.getByTestId('comment').count()) === 2);
    expect(await anaThread.getByTestId('comment').nth(1).locator('.comment-meta strong').textContent()).toBe('Bruno');

    // The anchor follows edits: Bruno types before the range.
    await cell(bruno, 'c5').locator('.cm-content').click();
    await bruno.keyboard.press('Control+Home');
    await bruno.keyboard.insertText('-- why\n');
    await eventually('the quote still the same text', async () => (await anaThread.locator('.thread-quote').textContent()) === 'SELECT 5');

    // Clicking the thread shows the cell with the range selected.
    await anaThread.locator('.thread-head').click();
    // (Other people's carets are drawn as zero-width widgets inside the text.)
    await eventually('range selected in Ana’s editor', async () => (await ana.evaluate(() => window.getSelection()?.toString().replace(/\u2060/g, ''))) === 'SELECT 5');

    // Resolve: the badge goes; reopen: it comes back.
    await anaThread.getByTestId('resolve-thread').click();
    await eventually('badge gone at Bruno', async () => await cell(bruno, 'c5').getByTestId('comment-badge').isHidden());
    expect(await ana.getByTestId('thread').count()).toBe(0);
    await ana.getByTestId('show-resolved').check();
    await ana.getByTestId('reopen-thread').click();
    await eventually('badge back at Bruno', async () => (await cell(bruno, 'c5').getByTestId('comment-badge').textContent()) === '1');

    // Bruno deletes his own reply.
    await brunoThread.getByTestId('delete-comment').click();
    await eventually('the reply gone at Ana', async () => (await anaThread.getByTestId('comment').count()) === 1);
  });

  it('keeps comments and attribution in the saved Markdown file', async () => {
    const file = join(h.home, 'notebooks', `${NOTEBOOK}.md`);
    await eventually('the file to hold the thread', async () => readFileSync(file, 'utf8').includes('Why 5 and not 6?'));
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/<!-- carnet-annotations\n/);
    expect(text).toMatch(/"c2": \{"by":"Bruno","at":"/);
  });

  it('saves a version by name, shows what changed since, and restores it as a new change', async () => {
    await ana.getByTestId('toggle-history').click();
    await ana.getByTestId('save-version').click();
    await ana.locator('dialog input').fill('before the 12 March briefing');
    await ana.locator('dialog button[type=submit]').click();
    const versions = ana.getByTestId('version');
    await eventually('the named version listed', async () => (await versions.first().locator('.version-name').textContent()) === 'before the 12 March briefing');
    // Credited: who edited since (Bruno) and who saved it (Ana), by the names they picked.
    expect(await versions.first().locator('.version-authors').textContent()).toBe('by Ana Lima, Bruno');

    // Bruno changes c7 after the version.
    await caretAtEnd(bruno, 'c7');
    await bruno.keyboard.insertText(' + 100');
    await eventually('Bruno’s edit at Ana', async () => (await cellText(cell(ana, 'c7'))) === 'SELECT 7 AS n + 100');

    await versions.first().click();
    const dialog = ana.getByTestId('version-changes');
    await dialog.waitFor();
    const changed = dialog.locator('.diff-cell[data-status="changed"][data-cell-id="c7"]');
    await changed.waitFor();
    expect(await changed.locator('.diff-line.removed').textContent()).toContain('SELECT 7 AS n');
    expect(await changed.locator('.diff-line.added').textContent()).toContain('SELECT 7 AS n + 100');
    // Read-only view of the version as it was.
    await ana.getByTestId('show-version').click();
    expect(await ana.locator('[data-testid=version-cells] [data-cell-id="c7"] pre').textContent()).toBe('SELECT 7 AS n');

    await ana.getByTestId('restore-version').click();
    await ana.locator('dialog .button.primary', { hasText: 'Restore this version' }).last().click();
    // Both see the restored text, and the state before it is in the history.
    await eventually('restored at Bruno', async () => (await cellText(cell(bruno, 'c7'))) === 'SELECT 7 AS n');
    await eventually('restored at Ana', async () => (await cellText(cell(ana, 'c7'))) === 'SELECT 7 AS n');
    await eventually('the before-restore version listed', async () => /^Before restoring “before the 12 March briefing”$/.test((await versions.first().locator('.version-name').textContent()) ?? ''));
    // Bruno's other work is untouched by the restore (c2 kept his edit from before the version).
    expect(await cellText(cell(bruno, 'c2'))).toBe('SELECT 2 AS n -- checked');
  });

  it('keeps working offline, shows it, and merges on reconnect without duplicates', async () => {
    await h.stopServer();
    await ana.getByTestId('offline-banner').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await ana.getByTestId('sync-status').getAttribute('data-status')).toBe('offline');
    // Ana edits while offline: her editor takes it.
    await caretAtEnd(ana, 'c8');
    await ana.keyboard.insertText(' -- offline edit');
    await cell(ana, 'c10').getByTestId('add-below').click();
    await ana.keyboard.insertText('SELECT 42 AS answer');
    expect(await cellText(cell(ana, 'c8'))).toBe('SELECT 8 AS n -- offline edit');
    // Her edits live only in this tab: closing it would ask first, and leaving for the home page asks.
    const wouldAsk = () => ana.evaluate(() => {
      const e = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(e);
      return e.defaultPrevented;
    });
    expect(await wouldAsk()).toBe(true);
    const asked = new Promise<string>((resolve) => ana.once('dialog', (d) => {
      resolve(d.message());
      void d.dismiss();
    }));
    const notebookUrl = ana.url();
    await ana.locator('a.brand').click();
    expect(await asked).toMatch(/not reached the server yet/);
    expect(ana.url()).toBe(notebookUrl);
    expect(await cell(ana, 'c8').isVisible()).toBe(true);
    await h.startServer();
    await eventually('Ana back online', async () => (await ana.getByTestId('sync-status').getAttribute('data-status')) === 'live', 30_000);
    expect(await ana.getByTestId('offline-banner').isHidden()).toBe(true);
    await eventually('nothing left to lose once the server has her edits', async () => !(await wouldAsk()));
    // Bruno gets Ana's offline work once both are back.
    await eventually('Ana’s offline edit at Bruno', async () => (await cellText(cell(bruno, 'c8'))) === 'SELECT 8 AS n -- offline edit', 30_000);
    await eventually('Ana’s offline cell at Bruno', async () => (await bruno.locator('.cell.sql .cm-content', { hasText: 'SELECT 42 AS answer' }).count()) === 1, 30_000);
    // Nothing duplicated: the same cells, once each, in both.
    const ids = async (p: Page) => p.locator('.cell').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId));
    const anaIds = await ids(ana);
    expect(await ids(bruno)).toStrictEqual(anaIds);
    expect(new Set(anaIds).size).toBe(anaIds.length);
    expect(anaIds.length).toBe(25);
  });

  it('made no request outside the server and logged no page error', () => {
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });
});

describe.skipIf(skip)('names with accounts on', () => {
  const h = new Harness({ env: { CARNET_AUTH: 'required' } });
  const PASSWORD = 'correct horse battery staple';

  beforeAll(async () => {
    await h.start();
    writeFileSync(join(h.home, 'notebooks', `${NOTEBOOK}.md`), notebookFile());
  });

  afterAll(async () => {
    await h.stop();
  });

  it('shows the session’s display names, and never asks for one', async () => {
    const link = await eventually('the setup link', async () => /\/setup\?token=(\S+)/.exec(h.serverLog())?.[1]);
    const setup = await fetch(`${h.baseUrl}/api/auth/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link, name: 'ada', displayName: 'Ada Admin', password: PASSWORD }) });
    expect(setup.status).toBe(201);
    const { userAdd } = await import('../../server/cli/user.js');
    const quiet = { out: () => undefined, err: (l: string) => console.error(l), stdin: async () => PASSWORD };
    expect(await userAdd(h.home, 'bea', { role: 'analyst', displayName: 'Béatrice Roy' }, quiet)).toBe(0);

    const signIn = async (name: string) => {
      const page = await h.newPage();
      const res = await page.request.post(`${h.baseUrl}/api/auth/login`, { data: { name, password: PASSWORD } });
      expect(res.status()).toBe(200);
      await page.goto(`${h.baseUrl}/n/${NOTEBOOK}`);
      await cell(page, 'c1').waitFor();
      return page;
    };
    const ada = await signIn('ada');
    // A notebook nobody owns reaches administrators only, until it is shared.
    const share = await ada.request.put(`${h.baseUrl}/api/notebooks/${NOTEBOOK}/sharing`, { headers: { origin: h.baseUrl }, data: { shares: [{ kind: 'user', name: 'bea', role: 'editor' }] } });
    expect(share.status()).toBe(200);
    const bea = await signIn('bea');
    await eventually('Béatrice at Ada', async () => (await ada.getByTestId('avatar').getAttribute('data-name')) === 'Béatrice Roy');
    expect(await ada.getByTestId('avatar').textContent()).toBe('BR');
    await eventually('Ada’s own name', async () => (await ada.getByTestId('avatar-self').getAttribute('data-name')) === 'Ada Admin');
    expect(await bea.getByTestId('name-picker').count()).toBe(0);
    // Edits are attributed to the account's name.
    await caretAtEnd(bea, 'c1');
    await bea.keyboard.insertText(' -- seen');
    await eventually('attribution to Béatrice', async () => ((await cell(ada, 'c1').getByTestId('cell-attribution').textContent()) ?? '').startsWith('edited by Béatrice Roy'));
    expect(h.pageErrors).toEqual([]);
  });
});
