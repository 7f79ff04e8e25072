import { parseArgs } from 'node:util';
import { tableFromIPC } from 'apache-arrow';
import { loadConfig, type Config } from '../config.js';
import { startServer } from '../serve.js';
import { openWorkspace } from '../workspace.js';
import { createCatalog, importFile } from '../datasets/index.js';
import { createEngine } from '../engine/index.js';
import { compileSql } from '../../core/compile/index.js';
import { columnsOf, rowsOf } from '../../core/result/values.js';
import { scopeOf } from '../notebooks/scope.js';
import { formatTable } from './table.js';
import { userAdd, userList, userDisable, userEnable, userSetRole, userSetGroups, userResetPassword } from './user.js';
import { tokenCreate, tokenList, tokenRevoke } from './token.js';
import { auditVerify, auditExport } from './audit.js';
import { cliActor } from './user.js';
import { runCommand } from './run.js';
import { exportCommand } from './export.js';
import { userClear, datasetMark } from './access.js';
import { createAuditLog, auditDirOf, queryEntry, failedStatus } from '../audit/index.js';
import { QueryError } from '../engine/index.js';

const USAGE = `carnet — a self-hosted SQL notebook over Parquet

usage: carnet <command> [options]

commands:
  serve                              serve the workspace on http://localhost:8787
  datasets                           list the datasets of the workspace
  query "<sql>" [--limit N]          run one SELECT (sandboxed) and print the rows
  import <file> --name <name>        import a CSV, JSON or Parquet file as a dataset
  run <notebook> [--export html|pdf|md --out FILE]
                                     run every cell in dependency order; exit 1 naming the cells that fail
  export <notebook> --format html|pdf|md --out FILE [--code] [--no-provenance] [--confirm]
                                     a briefing: self-contained HTML, PDF (Chromium) or Markdown zip
  user add <name> --role admin|analyst [--display-name D]
                                     add an account (password from stdin, or generated)
  user list | disable <name> | enable <name> | role <name> <role> | groups <name> [a,b] | reset-password <name>
  user clear <name> --level L [--compartments A,B]   set an account's clearance (levels: CARNET_LEVELS)
  dataset mark <name> --level L [--compartments A]   set a dataset's classification marking
  token create --user <name> [--name <label>] | token list | token revoke <id>
                                     API tokens (Authorization: Bearer …)
  audit verify                       check the audit log's hash chain
  audit export <file>                write the audit log as NDJSON

options:
  --home <dir>    workspace folder (default ./workspace, or CARNET_HOME)
  --port <n>      port for serve (default 8787, or PORT)
  --host <addr>   address for serve (default 127.0.0.1, or CARNET_HOST)
  -h, --help      this help`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      home: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      name: { type: 'string' },
      limit: { type: 'string' },
      replace: { type: 'boolean' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      user: { type: 'string' },
      export: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      code: { type: 'boolean' },
      'no-provenance': { type: 'boolean' },
      confirm: { type: 'boolean' },
      level: { type: 'string' },
      compartments: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 1;
  }
  const config = loadConfig({ home: values.home, port: values.port, host: values.host });
  switch (command) {
    case 'serve':
      return serve(config);
    case 'datasets':
      return datasets(config);
    case 'query':
      if (rest.length !== 1) return usage('query takes one SQL string: carnet query "SELECT …"');
      return query(config, rest[0]!, values.limit ? Number(values.limit) : 50);
    case 'import':
      if (rest.length !== 1 || !values.name) return usage('import takes a file and a name: carnet import calls.csv --name calls');
      return doImport(config, rest[0]!, values.name);
    case 'run':
      if (rest.length !== 1) return usage('run takes one notebook: carnet run <notebook> [--export html|pdf|md --out FILE]');
      return runCommand(config, rest[0]!, { export: values.export, out: values.out, code: values.code, provenance: !values['no-provenance'], confirm: values.confirm });
    case 'export':
      if (rest.length !== 1) return usage('export takes one notebook: carnet export <notebook> --format html|pdf|md --out FILE');
      return exportCommand(config, rest[0]!, { format: values.format, out: values.out, code: values.code, provenance: !values['no-provenance'], confirm: values.confirm });
    case 'user':
      if (rest[0] === 'clear') return rest.length === 2 ? userClear(config.home, rest[1]!, values) : usage('user clear <name> --level L [--compartments A,B]');
      return user(config.home, rest, values.role, values['display-name']);
    case 'token':
      return token(config.home, rest, values.user, values.name);
    case 'dataset':
      if (rest[0] === 'mark' && rest.length === 2) return datasetMark(config.home, rest[1]!, values);
      return usage('dataset takes "mark <name> --level L [--compartments A]"');
    case 'audit':
      if (rest[0] === 'verify' && rest.length === 1) return auditVerify(config.home);
      if (rest[0] === 'export' && rest.length === 2) return auditExport(config.home, rest[1]!);
      return usage('audit takes "verify" or "export <file>"');
    default:
      return usage(`unknown command "${command}"`);
  }
}

function user(home: string, args: string[], role?: string, displayName?: string): Promise<number> | number {
  const [sub, name, extra] = args;
  if (sub === 'list' && !name) return userList(home);
  if (!name) return usage(`user ${sub ?? ''} needs an account name`);
  switch (sub) {
    case 'add':
      if (!role) return usage('user add needs --role admin|analyst');
      return userAdd(home, name, { role, displayName });
    case 'disable':
      return userDisable(home, name);
    case 'enable':
      return userEnable(home, name);
    case 'role':
      if (!extra) return usage('user role <name> <admin|analyst>');
      return userSetRole(home, name, extra);
    case 'groups':
      return userSetGroups(home, name, extra);
    case 'reset-password':
      return userResetPassword(home, name);
    default:
      return usage(`unknown user command "${sub ?? ''}"`);
  }
}

function token(home: string, args: string[], userName?: string, label?: string): Promise<number> | number {
  const [sub, id] = args;
  if (sub === 'create') return userName ? tokenCreate(home, { user: userName, name: label }) : usage('token create needs --user <name>');
  if (sub === 'list') return tokenList(home);
  if (sub === 'revoke' && id) return tokenRevoke(home, id);
  return usage('token takes "create --user <name>", "list" or "revoke <id>"');
}

function usage(problem: string): number {
  console.error(`carnet: ${problem}\n\n${USAGE}`);
  return 2;
}

async function serve(config: Config): Promise<number> {
  const running = await startServer(config);
  console.log(`Carnet is serving ${config.home} on ${running.url}`);
  const stop = async (signal: string) => {
    console.log(`\n${signal}: saving and stopping…`);
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return new Promise<number>(() => {});
}

async function datasets(config: Config): Promise<number> {
  const ws = await openWorkspace(config.home, { demoScale: config.demoScale, log: console.error });
  const catalog = await createCatalog(ws.dataDir);
  try {
    const list = await catalog.list();
    const rows = list.map((d) => [d.name, d.kind, d.error ? null : d.rowCount, d.error ? null : d.columns.length, d.bytes, d.error ?? d.modified]);
    const cols = ['name', 'kind', 'rows', 'columns', 'bytes', 'modified / error'].map((name) => ({ name, type: '' }));
    console.log(formatTable(cols, rows, 80));
    return list.some((d) => d.error) ? 1 : 0;
  } finally {
    await catalog.close();
  }
}

async function query(config: Config, sql: string, limit: number): Promise<number> {
  if (!Number.isInteger(limit) || limit < 1) return usage('--limit must be a positive integer');
  const ws = await openWorkspace(config.home, { demoScale: config.demoScale, log: console.error });
  const catalog = await createCatalog(ws.dataDir);
  const engine = await createEngine({ dataDir: ws.dataDir, stateDir: ws.stateDir, workers: 1, threadsPerWorker: config.threadsPerWorker, memoryLimit: config.memoryLimit, workerMemoryBytes: config.workerMemoryBytes, defaultTimeoutMs: config.timeoutMs });
  const audit = await createAuditLog(auditDirOf(ws.stateDir));
  const started = Date.now();
  try {
    const scope = scopeOf(await catalog.list());
    const compiled = compileSql(sql, scope.relations);
    if (!compiled.ok) throw new Error(compiled.error);
    const entry = { compiledSql: compiled.sql, datasets: compiled.datasets, params: {} };
    const r = await engine
      .query({ sql: compiled.sql, limit, allowedFiles: scope.files(compiled.datasets), queryId: 'cli', timeoutMs: config.timeoutMs })
      .catch(async (e: unknown) => {
        if (e instanceof QueryError) await audit.append(queryEntry(cliActor(), { ...entry, durationMs: Date.now() - started, status: failedStatus(e.kind), error: e.message }));
        throw e;
      });
    await audit.append(queryEntry(cliActor(), { ...entry, rows: r.rowCount, durationMs: r.elapsedMs, status: 'ok' }));
    const table = tableFromIPC(r.arrow);
    console.log(formatTable(columnsOf(table), rowsOf(table)));
    console.log(`${r.rowCount} row${r.rowCount === 1 ? '' : 's'}${r.truncated ? ` (first ${limit}; more not shown — use --limit)` : ''} in ${Math.round(r.elapsedMs)} ms`);
    return 0;
  } catch (e) {
    console.error(`carnet: ${(e as Error).message}`);
    return 1;
  } finally {
    await engine.close();
    await catalog.close();
    await audit.close();
  }
}

async function doImport(config: Config, file: string, name: string): Promise<number> {
  const ws = await openWorkspace(config.home, { demoScale: config.demoScale, log: console.error });
  try {
    const info = await importFile(ws.dataDir, { sourcePath: file, name });
    const audit = await createAuditLog(auditDirOf(ws.stateDir));
    await audit.append({ actor: cliActor(), action: 'dataset_import', target: info.name, details: { filename: file, rows: info.rowCount, bytes: info.bytes, version: info.version } });
    await audit.close();
    console.log(`imported ${file} as dataset "${info.name}": ${info.rowCount} rows, ${info.columns.length} columns`);
    return 0;
  } catch (e) {
    console.error(`carnet: ${(e as Error).message}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (e: unknown) => {
    console.error(`carnet: ${(e as Error).message ?? e}`);
    process.exit(1);
  },
);
