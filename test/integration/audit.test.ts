import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, truncate, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createAuditLog, canonicalJson, recordHash, verifyAuditFile, writeAuditNdjson, type AuditEntry, type AuditLog } from '../../server/audit/index.js';
import { auditVerify } from '../../server/cli/audit.js';

const execFileP = promisify(execFile);
let dir: string;
let open: AuditLog[] = [];

/** A clock that ticks one second per record, from a fixed date. */
function clock(start = Date.UTC(2025, 0, 1)) {
  let t = start;
  return () => new Date((t += 1000));
}

async function openLog(opts: { warn?: (m: string) => void } = {}) {
  const log = await createAuditLog(dir, { now: clock(), warn: opts.warn ?? (() => {}) });
  open.push(log);
  return log;
}

const query = (i: number, user = 'ana'): AuditEntry => ({
  actor: { userId: `u-${user}`, name: user, address: '10.0.0.7' },
  action: 'query',
  target: `nb-${i % 3}`,
  details: { notebookId: `nb-${i % 3}`, cellId: `c${i}`, compiledSql: `SELECT ${i} AS "n" -- é ✓`, datasets: ['calls'], params: { min: i }, rows: i, durationMs: 1.5, status: 'ok' },
});

async function fill(n: number): Promise<AuditLog> {
  const log = await openLog();
  for (let i = 1; i <= n; i++) await log.append(query(i));
  return log;
}

async function lines(): Promise<string[]> {
  return (await readFile(join(dir, 'audit.log'), 'utf8')).split('\n').slice(0, -1);
}

async function writeLines(ls: (string | Buffer)[]) {
  await writeFile(join(dir, 'audit.log'), Buffer.concat(ls.map((l) => Buffer.concat([Buffer.from(l), Buffer.from('\n')]))));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'carnet-audit-'));
  open = [];
});
afterEach(async () => {
  for (const log of open) await log.close();
  await rm(dir, { recursive: true, force: true });
});

describe('audit log', () => {
  it('keeps one unbroken chain when many appends race', async () => {
    const log = await openLog();
    const records = await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(query(i))));
    expect(records.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(await log.verify()).toMatchObject({ ok: true, records: 300 });
    const ls = await lines();
    expect(ls).toHaveLength(300);
    const parsed = ls.map((l) => JSON.parse(l));
    for (let i = 1; i < parsed.length; i++) expect(parsed[i].prevHash).toBe(parsed[i - 1].hash);
    expect(parsed[0].prevHash).toBe('0'.repeat(64));
  });

  it('is on disk when append resolves, with every field the record promised', async () => {
    const log = await openLog();
    const r = await log.append(query(7));
    const [line] = await lines();
    expect(JSON.parse(line!)).toEqual(r);
    expect(r).toMatchObject({ seq: 1, time: '2025-01-01T00:00:01.000Z', action: 'query', actor: { name: 'ana', address: '10.0.0.7' }, target: 'nb-1' });
    expect(r.details).toMatchObject({ compiledSql: 'SELECT 7 AS "n" -- é ✓', datasets: ['calls'], rows: 7, status: 'ok' });
    expect(r.hash).toBe(recordHash(r as unknown as Record<string, unknown>));
  });

  it('hashes content, not key order; stores bigints as text', async () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    const log = await openLog();
    const r = await log.append({ actor: { name: 'x' }, action: 'query', details: { rows: 12n as unknown as number, skip: undefined } });
    expect(r.details).toEqual({ rows: '12' });
    expect(await log.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it('names the record whose byte was altered, wherever the byte is', async () => {
    await (await fill(12)).close();
    const original = await lines();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 11 }), fc.nat(), fc.integer({ min: 0x20, max: 0xff }), async (k, at, byte) => {
        const bytes = Buffer.from(original[k]!);
        const pos = at % bytes.length;
        fc.pre(bytes[pos] !== byte);
        bytes[pos] = byte;
        const ls: (string | Buffer)[] = [...original];
        ls[k] = bytes;
        await writeLines(ls);
        const result = await verifyAuditFile(join(dir, 'audit.log'));
        expect(result).toMatchObject({ ok: false, seq: k + 1 });
      }),
      { seed: 6, numRuns: 150 },
    );
  });

  it('says an edited record does not match its hash', async () => {
    await (await fill(5)).close();
    const ls = await lines();
    ls[2] = ls[2]!.replace('"rows":3', '"rows":30');
    await writeLines(ls);
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toEqual({ ok: false, seq: 3, records: 2, reason: 'record 3: hash does not match its content (altered)' });
  });

  it('names the gap left by a deleted record', async () => {
    await (await fill(6)).close();
    const ls = await lines();
    ls.splice(3, 1);
    await writeLines(ls);
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toEqual({ ok: false, seq: 4, records: 3, reason: 'record 4: missing or out of order (record 5 follows record 3)' });
  });

  it('detects a deleted record even when the later ones were renumbered', async () => {
    await (await fill(4)).close();
    const ls = (await lines()).map((l) => JSON.parse(l));
    ls.splice(1, 1);
    // Renumber and rehash the moved records, as a careful forger would, but without the previous hash.
    for (let i = 1; i < ls.length; i++) {
      ls[i].seq = i + 1;
      ls[i].hash = recordHash(ls[i]);
    }
    await writeLines(ls.map((r) => JSON.stringify(r)));
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toMatchObject({ ok: false, seq: 2, reason: 'record 2: previous hash does not match record 1 (missing or reordered record)' });
  });

  it('detects two records swapped', async () => {
    await (await fill(6)).close();
    const ls = await lines();
    [ls[2], ls[3]] = [ls[3]!, ls[2]!];
    await writeLines(ls);
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toMatchObject({ ok: false, seq: 3, reason: 'record 3: missing or out of order (record 4 follows record 2)' });
  });

  it('names a last record cut in the middle of its line', async () => {
    await (await fill(5)).close();
    const path = join(dir, 'audit.log');
    const size = (await readFile(path)).length;
    await truncate(path, size - 40);
    expect(await verifyAuditFile(path)).toEqual({ ok: false, seq: 5, records: 4, reason: 'last record is incomplete (truncated write)' });
  });

  it('continues the chain after a restart', async () => {
    const first = await fill(3);
    const third = first.head();
    await first.close();
    const again = await openLog();
    expect(again.head()).toEqual(third);
    const r = await again.append(query(4));
    expect(r.seq).toBe(4);
    expect(r.prevHash).toBe(third.hash);
    expect(await again.verify()).toMatchObject({ ok: true, records: 4 });
  });

  it('on opening, moves a half-written last line aside and records the cut', async () => {
    await (await fill(3)).close();
    const path = join(dir, 'audit.log');
    const whole = await readFile(path);
    await truncate(path, whole.length - 30);
    const warnings: string[] = [];
    const log = await openLog({ warn: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(/cut \d+ bytes of a half-written last record/);
    const torn = await readFile(`${path}.torn`, 'utf8');
    expect(torn).toContain('"seq":3');
    const r = await log.append(query(9));
    expect(r.seq).toBe(4);
    expect(await log.verify()).toMatchObject({ ok: true, records: 4 });
    const repair = JSON.parse((await lines())[2]!);
    expect(repair).toMatchObject({ seq: 3, action: 'audit_repair' });
  });

  it('refuses to open a log whose last complete line was altered', async () => {
    await (await fill(2)).close();
    const ls = await lines();
    ls[1] = 'not json';
    await writeLines(ls);
    await expect(createAuditLog(dir)).rejects.toThrow(/last record is unreadable, so the log was altered/);
  });

  it('keeps one chain when two writers share the file (server and a carnet command)', async () => {
    const a = await openLog();
    const b = await openLog();
    const both = [];
    for (let i = 0; i < 40; i++) both.push((i % 3 === 0 ? b : a).append(query(i, i % 3 === 0 ? 'cli' : 'srv')));
    await Promise.all(both);
    expect(await a.verify()).toMatchObject({ ok: true });
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toMatchObject({ ok: true, records: 40 });
  });

  it('keeps one chain when another process appends at the same time', async () => {
    const script = join(dir, 'writer.mts');
    const logModule = new URL('../../server/audit/index.ts', import.meta.url).pathname;
    await writeFile(
      script,
      `import { createAuditLog } from ${JSON.stringify(logModule)};
       const log = await createAuditLog(process.argv[2]);
       for (let i = 0; i < 60; i++) {
         await log.append({ actor: { name: 'cli:other' }, action: 'account_change', details: { i } });
         await new Promise((ok) => setTimeout(ok, 2));
       }
       await log.close();`,
    );
    const log = await openLog();
    const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname;
    let childDone = false;
    const child = execFileP(tsx, [script, dir]).finally(() => (childDone = true));
    let ours = 0;
    while (!childDone) {
      await log.append(query(ours++));
      await new Promise((ok) => setTimeout(ok, 1));
    }
    await child;
    expect(await verifyAuditFile(join(dir, 'audit.log'))).toMatchObject({ ok: true, records: 60 + ours });
    const actions = (await lines()).map((l) => JSON.parse(l).action);
    expect(actions.filter((a) => a === 'account_change')).toHaveLength(60);
    // The writers really took turns: the other process's records are not all in one block.
    const first = actions.indexOf('account_change');
    const last = actions.lastIndexOf('account_change');
    expect(actions.slice(first, last).filter((a) => a === 'query').length).toBeGreaterThan(0);
  }, 60_000);

  it('takes over a lock left by a process that died', async () => {
    await writeFile(join(dir, 'audit.log.lock'), '999999999\n');
    const log = await openLog();
    await log.append(query(1));
    expect(await log.verify()).toMatchObject({ ok: true, records: 1 });
  });

  it('records that the log shrank under it', async () => {
    const log = await fill(4);
    const path = join(dir, 'audit.log');
    const ls = await lines();
    await writeLines(ls.slice(0, 2));
    await log.append(query(5));
    const after = (await lines()).map((l) => JSON.parse(l));
    expect(after[2]).toMatchObject({ seq: 3, action: 'audit_repair' });
    expect(after[2].details.reason).toMatch(/shrank .* records were removed outside Carnet/);
    expect(after[3]).toMatchObject({ seq: 4, action: 'query' });
    expect(await verifyAuditFile(path)).toMatchObject({ ok: true, records: 4 });
  });

  it('searches by action, actor, text and time, newest first, paged', async () => {
    const log = await openLog();
    for (let i = 1; i <= 10; i++) await log.append(query(i, i % 2 ? 'ana' : 'bob'));
    await log.append({ actor: { name: 'eve', address: '10.0.0.9' }, action: 'login_failed', details: { name: 'eve' } });
    const all = await log.search({ limit: 3, offset: 0 });
    expect(all.total).toBe(11);
    expect(all.records.map((r) => r.seq)).toEqual([11, 10, 9]);
    const page2 = await log.search({ limit: 3, offset: 3 });
    expect(page2.records.map((r) => r.seq)).toEqual([8, 7, 6]);
    expect((await log.search({ action: 'login_failed', limit: 10, offset: 0 })).records.map((r) => r.seq)).toEqual([11]);
    expect((await log.search({ actor: 'BOB', limit: 10, offset: 0 })).total).toBe(5);
    expect((await log.search({ actor: 'u-ana', limit: 10, offset: 0 })).total).toBe(5);
    expect((await log.search({ text: 'select 7 as', limit: 10, offset: 0 })).records.map((r) => r.seq)).toEqual([7]);
    const window = await log.search({ from: '2025-01-01T00:00:03Z', to: '2025-01-01T00:00:05Z', limit: 10, offset: 0 });
    expect(window.records.map((r) => r.seq)).toEqual([4, 3]);
  });

  it('exports a flat NDJSON table', async () => {
    await (await fill(2)).close();
    const out = join(dir, 'audit.ndjson');
    expect(await writeAuditNdjson(join(dir, 'audit.log'), out)).toBe(2);
    const rows = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows[1]).toMatchObject({ seq: 2, action: 'query', actor_name: 'ana', compiled_sql: 'SELECT 2 AS "n" -- é ✓', datasets: ['calls'], rows: 2, status: 'ok' });
  });
});

describe('carnet audit verify', () => {
  it('prints OK with the count, or the first bad record, and sets the exit code', async () => {
    const home = dir;
    const auditDir = join(home, 'state', 'audit');
    await mkdir(auditDir, { recursive: true });
    const log = await createAuditLog(auditDir, { now: clock() });
    for (let i = 1; i <= 3; i++) await log.append(query(i));
    await log.close();
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
    expect(await auditVerify(home, io)).toBe(0);
    expect(out[0]).toMatch(/^audit log OK: 3 records, chain intact/);

    const path = join(auditDir, 'audit.log');
    const ls = (await readFile(path, 'utf8')).split('\n');
    ls[1] = ls[1]!.replace('"rows":2', '"rows":20');
    await writeFile(path, ls.join('\n'));
    expect(await auditVerify(home, io)).toBe(1);
    expect(err[0]).toMatch(/DAMAGED .*record 2: hash does not match its content \(altered\)/);

    await rm(path);
    expect(await auditVerify(home, io)).toBe(1);
    expect(err.at(-1)).toMatch(/no audit log at/);
  });
});
