/**
 * The starting notebook security officers get from "Open in a notebook" on the
 * administrators' page: a few questions asked of the `audit_log` dataset, to edit and
 * extend. Pure: returns the notebook's title and cells.
 */
import { asCellId } from '../../core/ids.js';
import type { CellData } from '../../core/notebook/model.js';
import { AUDIT_DATASET } from './dataset.js';

const T = AUDIT_DATASET;

const INTRO = `# Audit log

Every sign-in, query, export, share and account change Carnet recorded, as the dataset \`${T}\`
(administrators only). Each row is one record of the hash-chained log: \`seq\`, \`time\`, \`action\`,
who did it (\`actor_name\`, \`actor_address\`), what about (\`target\`), and the record's \`details\` as JSON;
queries also have \`compiled_sql\`, \`datasets\`, \`rows\`, \`status\` and \`error\`.

The cells below are starting points. "Verify chain" on the administration page checks that no record
was altered or removed.`;

const QUERIES: [name: string, sql: string][] = [
  [
    'recent_queries',
    `SELECT "time", actor_name, status, "rows", duration_ms, datasets, compiled_sql
FROM ${T}
WHERE action = 'query'
ORDER BY seq DESC
LIMIT 200`,
  ],
  [
    'queries_by_user',
    `SELECT actor_name, count(*) AS queries, count(*) FILTER (WHERE status <> 'ok') AS failed, max("time") AS last_query
FROM ${T}
WHERE action = 'query'
GROUP BY actor_name
ORDER BY queries DESC`,
  ],
  [
    'failed_logins',
    `SELECT coalesce(actor_address, '(unknown)') AS address, count(*) AS failures,
       list(DISTINCT target) AS accounts, min("time") AS first_seen, max("time") AS last_seen
FROM ${T}
WHERE action = 'login_failed'
GROUP BY address
ORDER BY failures DESC`,
  ],
  [
    'exports',
    `SELECT "time", actor_name, target AS notebook, details->>'format' AS format, details->>'title' AS title
FROM ${T}
WHERE action = 'export'
ORDER BY seq DESC`,
  ],
  [
    'account_changes',
    `SELECT "time", actor_name, action, target, details
FROM ${T}
WHERE action IN ('account_change', 'role_change', 'share', 'token_create', 'token_revoke')
ORDER BY seq DESC`,
  ],
];

/** Title and cells of the audit notebook made on `day` (YYYY-MM-DD). */
export function auditNotebook(day: string): { title: string; cells: CellData[] } {
  const cells: CellData[] = [
    { id: asCellId('intro'), kind: 'markdown', source: INTRO },
    ...QUERIES.map(([name, sql]): CellData => ({ id: asCellId(name.replace(/_/g, '-')), kind: 'sql', name, source: sql })),
  ];
  return { title: `Audit log — ${day}`, cells };
}
