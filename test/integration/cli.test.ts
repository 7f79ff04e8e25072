import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let home: string;
const carnet = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args, '--home', home], {
    encoding: 'utf8',
    env: { ...process.env, CARNET_DEMO_SCALE: '0.01' },
    timeout: 120_000,
  });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'carnet-cli-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('carnet CLI', () => {
  it('creates the workspace on first use and lists its datasets', () => {
    const r = carnet('datasets');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/persons\s+│ file/);
    expect(r.stdout).toMatch(/phone_calls\s+│ folder/);
  });

  it('runs a query in the sandbox and prints a table', () => {
    const r = carnet('query', 'SELECT count(*) AS n FROM persons WHERE birth_year > 1900');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\s*n\n/m);
    expect(r.stdout).toMatch(/1 row in \d+ ms/);
  });

  it('refuses a statement the sandbox does not allow, with the reason, and exits 1', () => {
    const r = carnet('query', "COPY persons TO '/tmp/leak.csv'");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/only SELECT/);
  });

  it('imports a CSV as a dataset, and refuses a bad file leaving nothing behind', async () => {
    const good = join(home, 'cities.csv');
    await writeFile(good, 'city,pop\nLyon,522000\nNantes,320000\n');
    const ok = carnet('import', good, '--name', 'city_pop');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/imported .* as dataset "city_pop": 2 rows, 2 columns/);
    const bad = join(home, 'bad.csv');
    await writeFile(bad, 'a,b,c\n1,2,3\n4,5\n6\n');
    const refused = carnet('import', bad, '--name', 'broken');
    expect(refused.status).toBe(1);
    expect((await readdir(join(home, 'data'))).filter((f) => f.includes('broken'))).toEqual([]);
  });

  it('explains its usage for an unknown command', () => {
    const r = carnet('frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('keeps an audit trail of CLI queries that verifies', () => {
    const r = carnet('audit', 'verify');
    expect(r.status).toBe(0);
  });
});
