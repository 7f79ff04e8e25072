/**
 * Sharing a notebook in a real browser (CARNET_AUTH=required): the administrator creates an
 * analyst on the Administration page and shares a demo notebook with them as viewer through
 * the Share dialog; the analyst sees it read-only (badge, no run button, an editor that ignores typing) with its marking banner;
 * made commenter on another notebook, the analyst comments (the owner sees it, under his account's name even when his
 * own client writes another's) but cannot type in a cell or delete the owner's comment; once made editor, the open page offers running at once and the analyst runs a cell; once the
 * share is withdrawn, the open page says so and shows the notebook no more; signing out in one tab ends the notebook
 * open in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Harness, skipReason } from './harness.js';
import { cellText, eventually, sqlCells, typeInCell } from './helpers.js';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { addReply, getComments, newCommentId, setResolved } from '../../core/notebook/comments.js';

const skip = skipReason() !== null;
const ADMIN_PASSWORD = 'correct horse battery staple';
const ANALYST_PASSWORD = 'purple walrus under the bridge';

describe.skipIf(skip)('sharing a notebook', () => {
  const h = new Harness({ env: { CARNET_AUTH: 'required' } });
  let admin: Page;
  let analyst: Page;
  let notebookId = '';

  beforeAll(async () => {
    await h.start();
    admin = await h.newPage();
    analyst = await h.newPage();
  });

  afterAll(async () => {
    await h.stop();
  });

  /** Opens the Share dialog from the notebook toolbar of `page`. */
  async function openShare(page: Page): Promise<void> {
    await page.getByTestId('share-button').click();
    await page.getByTestId('share-list').waitFor();
  }

  it('the administrator signs up, creates an analyst, and shares a demo notebook as viewer', async () => {
    const link = await eventually('the setup link in the server log', async () => /(http:\/\/\S+\/setup\?token=\S+)/.exec(h.serverLog())?.[1]);
    await admin.goto(link.replace(/^http:\/\/localhost:/, 'http://127.0.0.1:'));
    await admin.getByTestId('auth-name').fill('ada');
    await admin.getByTestId('auth-displayName').fill('Ada Admin');
    await admin.getByTestId('auth-password').fill(ADMIN_PASSWORD);
    await admin.getByTestId('auth-confirm').fill(ADMIN_PASSWORD);
    await admin.getByTestId('auth-submit').click();
    await admin.waitForURL(`${h.baseUrl}/`);

    // The analyst's account, made on the Administration page like an administrator would.
    await admin.getByTestId('user-menu').locator('summary').click();
    await admin.getByTestId('admin-link').click();
    await admin.waitForURL(`${h.baseUrl}/admin`);
    await admin.getByTestId('admin-new-name').fill('bob');
    await admin.getByTestId('admin-new-display').fill('Bob Analyst');
    await admin.getByTestId('admin-new-password').fill(ANALYST_PASSWORD);
    await admin.getByTestId('admin-new-submit').click();
    await admin.locator('[data-testid=account-row][data-name=bob]').waitFor();

    const notebooks = await admin.evaluate(async () => ((await (await fetch('/api/notebooks')).json()) as { notebooks: { id: string; title: string }[] }).notebooks);
    notebookId = (notebooks.find((n) => /shell company/i.test(n.title)) ?? notebooks[0]!).id;
    await admin.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(admin).first().waitFor();
    // A result for the viewer to read, sort and export.
    await sqlCells(admin).first().getByTestId('run-cell').click();
    await sqlCells(admin).first().getByTestId('row-count').waitFor({ timeout: 30_000 });

    await openShare(admin);
    // Demo notebooks have no owner until someone takes them.
    await expect(admin.getByTestId('share-owner').textContent()).resolves.toMatch(/^No owner/);
    // A name that is no account is refused in the dialog, naming it.
    await admin.getByTestId('share-add-name').fill('nobody');
    await admin.getByTestId('share-add').click();
    await expect(admin.getByTestId('share-error').textContent()).resolves.toBe('No account or group named “nobody”.');
    await admin.getByTestId('share-add-name').fill('bob');
    expect(await admin.getByTestId('share-add-role').inputValue()).toBe('viewer');
    await admin.getByTestId('share-add').click();
    await expect(admin.getByTestId('share-row').textContent()).resolves.toContain('Bob Analyst (bob)');
    await admin.getByTestId('share-save').click();
    await admin.getByTestId('share-dialog').waitFor({ state: 'detached' });

    const sharing = await admin.evaluate(async (id) => (await fetch(`/api/notebooks/${id}/sharing`)).json(), notebookId);
    expect(sharing).toMatchObject({ shares: [{ kind: 'user', name: 'bob', role: 'viewer' }], canShare: true });

    // Esc closes the dialog and gives the focus back to the Share button.
    await openShare(admin);
    await admin.keyboard.press('Escape');
    await admin.getByTestId('share-dialog').waitFor({ state: 'detached' });
    expect(await admin.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('share-button');
  });

  it('the analyst, as viewer, reads the notebook but can neither type in it nor run it', async () => {
    await analyst.goto(`${h.baseUrl}/login`);
    await analyst.getByTestId('auth-name').fill('bob');
    await analyst.getByTestId('auth-password').fill(ANALYST_PASSWORD);
    await analyst.getByTestId('auth-submit').click();
    await analyst.waitForURL(`${h.baseUrl}/`);
    await analyst.goto(`${h.baseUrl}/n/${notebookId}`);

    const first = sqlCells(analyst).first();
    await first.waitFor();
    await eventually('the marking banner', async () => ((await analyst.getByTestId('marking-banner-top').textContent()) ?? '').trim() !== '');
    expect(await analyst.getByTestId('access-badge').textContent()).toBe('View only');
    expect(await analyst.getByTestId('run-cell').count()).toBe(0);
    expect(await analyst.getByTestId('run-all').count()).toBe(0);
    expect(await analyst.getByTestId('add-sql').count()).toBe(0);
    expect(await analyst.getByTestId('delete-cell').count()).toBe(0);
    expect(await analyst.getByTestId('notebook-title').getAttribute('readonly')).toBe('');

    const before = await cellText(first);
    await first.locator('.cm-content').click();
    await analyst.keyboard.type('zzz');
    await analyst.keyboard.press('Backspace');
    await analyst.keyboard.press('Control+Enter');
    expect(await cellText(first)).toBe(before);
    expect(await first.locator('.cm-content').getAttribute('contenteditable')).toBe('false');
  });

  it('the viewer sorts a result without running it, and exports the stored results', async () => {
    const runs: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && /\/run$/.test(r.url())) runs.push(r.url());
    };
    analyst.on('request', onRequest);
    try {
      const first = sqlCells(analyst).first();
      await first.getByTestId('row-count').waitFor({ timeout: 30_000 });
      const amount = first.locator('.col-head', { has: analyst.locator('.col-name', { hasText: /^amount$/ }) });
      await amount.click();
      await amount.click();
      expect(await first.locator('th[aria-sort=descending] .col-name').textContent()).toBe('amount');
      expect(await first.getByTestId('sorted-here').textContent()).toMatch(/^sorted by amount ↓ on this page/);
      // The rows on screen are in descending amount.
      const col = Number(await amount.getAttribute('data-col'));
      const shown = await first.locator(`tbody tr[data-row] td[data-col="${col}"]`).allTextContents();
      const values = shown.map((s) => Number(s.replace(/[^0-9.-]/g, '')));
      expect(values.length).toBeGreaterThan(1);
      expect(values).toEqual([...values].sort((a, b) => b - a));
      expect(runs).toEqual([]);

      await analyst.getByTestId('export-menu').click();
      await analyst.getByTestId('export-reader-note').waitFor();
      const [download] = await Promise.all([analyst.waitForEvent('download', { timeout: 60_000 }), analyst.getByTestId('export-html').click()]);
      expect(download.suggestedFilename()).toMatch(/\.html$/);
      expect(runs).toEqual([]);
    } finally {
      analyst.off('request', onRequest);
    }
  });

  it('a viewer sees a chart as it was drawn, and nothing runs: not on open, resize or a co-editor\'s change', async () => {
    const made = await admin.evaluate(async () => {
      const n = await fetch('/api/notebooks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Chart for readers' }) });
      return ((await n.json()) as { id: string }).id;
    });
    await admin.goto(`${h.baseUrl}/n/${made}`);
    await admin.getByTestId('add-sql').click();
    const sql = sqlCells(admin).first();
    await typeInCell(admin, sql, 'SELECT nationality, count(*) n FROM persons GROUP BY 1');
    await admin.keyboard.press('Control+Enter');
    await sql.getByTestId('row-count').waitFor({ timeout: 30_000 });
    await sql.getByTestId('chart-this').click();
    await admin.locator('.cell.chart .chart-canvas svg g[aria-label="bar"] > *').first().waitFor({ timeout: 30_000 });
    const shared = await admin.evaluate(
      async (id) => (await fetch(`/api/notebooks/${id}/sharing`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ shares: [{ kind: 'user', name: 'bob', role: 'viewer' }] }) })).status,
      made,
    );
    expect(shared).toBe(200);

    const runs: string[] = [];
    const onRequest = (r: { method(): string; url(): string }) => {
      if (r.method() === 'POST' && /\/run$/.test(r.url())) runs.push(r.url());
    };
    analyst.on('request', onRequest);
    try {
      await analyst.goto(`${h.baseUrl}/n/${made}`);
      const chart = analyst.locator('.cell.chart').first();
      await chart.locator('.chart-canvas svg g[aria-label="bar"] > *').first().waitFor({ timeout: 30_000 });
      expect(await chart.getByTestId('chart-run').count()).toBe(0);
      await chart.getByTestId('chart-code-toggle').click();
      expect(await chart.locator('.chart-code .cm-content').getAttribute('contenteditable')).toBe('false');
      await chart.getByTestId('chart-builder-toggle').click();
      expect(await chart.getByTestId('cb-mark').isDisabled()).toBe(true);
      await analyst.setViewportSize({ width: 700, height: 800 });
      await analyst.setViewportSize({ width: 1400, height: 800 });
      // The owner changes the mark: the viewer's chart follows from the owner's run.
      await admin.locator('.cell.chart').first().getByTestId('cb-mark').selectOption('dot');
      await chart.locator('.chart-canvas svg g[aria-label="dot"] > *').first().waitFor({ timeout: 30_000 });
      expect(runs).toEqual([]);
    } finally {
      analyst.off('request', onRequest);
    }
    await admin.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(admin).first().waitFor();
    await analyst.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(analyst).first().waitFor();
  });

  it('as commenter, the analyst comments on a cell the owner sees, and cannot type in cells or delete the owner’s comment', async () => {
    // Another demo notebook, so that the viewer share above stays as it is.
    const other = await admin.evaluate(async (skipId) => {
      const list = ((await (await fetch('/api/notebooks')).json()) as { notebooks: { id: string; title: string }[] }).notebooks;
      const id = list.find((n) => n.id !== skipId && !/chart for readers/i.test(n.title))!.id;
      const res = await fetch(`/api/notebooks/${id}/sharing`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ shares: [{ kind: 'user', name: 'bob', role: 'commenter' }] }) });
      return { id, status: res.status };
    }, notebookId);
    expect(other.status).toBe(200);
    await admin.goto(`${h.baseUrl}/n/${other.id}`);
    const adminFirst = sqlCells(admin).first();
    await adminFirst.getByTestId('add-comment').click();
    await admin.getByTestId('comment-input').fill('Where do these rows come from?');
    await admin.getByTestId('comment-post').click();
    await admin.getByTestId('thread').filter({ hasText: 'Where do these rows come from?' }).waitFor();

    await analyst.goto(`${h.baseUrl}/n/${other.id}`);
    const first = sqlCells(analyst).first();
    await first.waitFor();
    await eventually('the commenter badge', async () => (await analyst.getByTestId('access-badge').textContent()) === 'Can comment');
    expect(await analyst.getByTestId('run-cell').count()).toBe(0);
    const before = await cellText(first);
    await first.locator('.cm-content').click();
    await analyst.keyboard.type('zzz');
    expect(await cellText(first)).toBe(before);
    expect(await first.locator('.cm-content').getAttribute('contenteditable')).toBe('false');

    await first.getByTestId('add-comment').click();
    await analyst.getByTestId('comment-input').fill('From the March export.');
    await analyst.getByTestId('comment-post').click();
    const mine = analyst.getByTestId('thread').filter({ hasText: 'From the March export.' });
    await mine.waitFor();
    // The server took it: the owner's page shows it, under the analyst's name.
    const atAdmin = admin.getByTestId('thread').filter({ hasText: 'From the March export.' });
    await atAdmin.waitFor({ timeout: 10_000 });
    expect(await atAdmin.locator('.comment-meta strong').first().textContent()).toBe('Bob Analyst');
    // Only his own comment offers a delete button.
    expect(await mine.getByTestId('delete-comment').count()).toBe(1);
    const theirs = analyst.getByTestId('thread').filter({ hasText: 'Where do these rows come from?' });
    await theirs.waitFor();
    expect(await theirs.getByTestId('delete-comment').count()).toBe(0);
    // And his text went nowhere else: the owner's cell is as it was.
    expect(await cellText(adminFirst)).toBe(before);

    // A client of his own making replies under his account but with the owner's name: pages
    // name the account that wrote it, not the name it carries.
    const bobId = await analyst.evaluate(async () => ((await (await fetch('/api/auth/me')).json()) as { user: { id: string } }).user.id);
    const cookie = (await analyst.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const forged = new Y.Doc();
    const provider = new WebsocketProvider(`${h.baseUrl.replace(/^http/, 'ws')}/collab`, other.id, forged, {
      WebSocketPolyfill: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { cookie, origin: h.baseUrl } });
        }
      } as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    try {
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
      const threadId = [...getComments(forged).keys()].find((k) => JSON.stringify(getComments(forged).get(k)!.toJSON()).includes('Where do these rows'))!;
      addReply(forged, threadId, { id: newCommentId('m'), author: 'Ada Admin', authorId: bobId, at: new Date().toISOString(), text: 'Signed as someone else.' });
      const forgedAtAdmin = admin.locator('[data-testid=comment]').filter({ hasText: 'Signed as someone else.' });
      await forgedAtAdmin.waitFor({ timeout: 10_000 });
      expect(await forgedAtAdmin.locator('.comment-meta strong').textContent()).toBe('Bob Analyst');
      // Resolving works the same way: the server takes only his own account id, and pages name it.
      setResolved(forged, threadId, { by: 'Ada Admin', byId: bobId, at: new Date().toISOString() });
      await admin.getByTestId('show-resolved').check();
      const resolvedBy = admin.getByTestId('thread').filter({ hasText: 'Signed as someone else.' }).getByTestId('resolved-by');
      await resolvedBy.waitFor({ timeout: 10_000 });
      expect(await resolvedBy.textContent()).toMatch(/Bob Analyst/);
    } finally {
      provider.destroy();
    }

    await admin.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(admin).first().waitFor();
    await analyst.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(analyst).first().waitFor();
  });

  it('made editor by the owner, the analyst runs a cell after a reload', async () => {
    await openShare(admin);
    await admin.getByTestId('share-role').selectOption('editor');
    await admin.getByTestId('share-save').click();
    await admin.getByTestId('share-dialog').waitFor({ state: 'detached' });
    // The open page follows at once: the run button comes without a reload.
    await sqlCells(analyst).first().getByTestId('run-cell').waitFor({ timeout: 10_000 });

    await analyst.reload();
    const first = sqlCells(analyst).first();
    await first.getByTestId('run-cell').waitFor();
    expect(await analyst.getByTestId('access-badge').count()).toBe(0);
    await first.getByTestId('run-cell').click();
    await first.getByTestId('row-count').waitFor({ timeout: 30_000 });
    expect(await first.getByTestId('row-count').textContent()).toMatch(/row/);
    expect(h.external).toEqual([]);
    expect(h.pageErrors).toEqual([]);
  });

  it('when the owner withdraws the share, the analyst’s open page says so at once and shows the notebook no more', async () => {
    const status = await admin.evaluate(async (id) => (await fetch(`/api/notebooks/${id}/sharing`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ shares: [] }) })).status, notebookId);
    expect(status).toBe(200);
    const message = analyst.locator('.message-page').filter({ hasText: 'You can no longer open this notebook' });
    await message.waitFor({ timeout: 10_000 });
    expect(await sqlCells(analyst).count()).toBe(0);
    expect(h.pageErrors).toEqual([]);
  });

  it('signing out in one tab ends the notebook open in another tab of that browser', async () => {
    const otherTab = await admin.context().newPage();
    await otherTab.goto(`${h.baseUrl}/n/${notebookId}`);
    await sqlCells(otherTab).first().waitFor();
    await admin.goto(`${h.baseUrl}/`);
    await admin.getByTestId('user-menu').locator('summary').click();
    await admin.getByTestId('logout').click();
    const message = otherTab.locator('.message-page').filter({ hasText: 'your session has ended' });
    await message.waitFor({ timeout: 10_000 });
    expect(await sqlCells(otherTab).count()).toBe(0);
    expect(h.pageErrors).toEqual([]);
  });
});
