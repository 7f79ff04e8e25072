/**
 * The administrators' calls: accounts and the audit log (/api/admin), clearances and
 * dataset markings (/api/access). Answers are checked here, so the page sees one shape.
 */
import { getJson, invalid, isRecord, optString, requestJson } from '../api/http.js';

export interface Marking {
  level: string;
  compartments: string[];
}

export interface Account {
  name: string;
  displayName: string;
  role: 'admin' | 'analyst';
  groups: string[];
  disabled: boolean;
  /** Signs in through single sign-on: no password to reset. */
  sso: boolean;
  createdAt: string;
  clearance: Marking | null;
}

export interface Levels {
  levels: { label: string }[];
  compartments: string[];
}

export interface AuditRecord {
  seq: number;
  time: string;
  action: string;
  actor: { userId?: string; name?: string; address?: string };
  target?: string;
  details: Record<string, unknown>;
}

export interface AuditPage {
  records: AuditRecord[];
  total: number;
  /** `before` for the next page; null on the last. */
  next: number | null;
}

export type VerifyResult = { ok: true; records: number; lastHash: string } | { ok: false; seq: number; reason: string; records: number };

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  from?: string;
  to?: string;
  q?: string;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function parseMarking(v: unknown): Marking | null {
  if (!isRecord(v) || typeof v.level !== 'string') return null;
  return { level: v.level, compartments: strings(v.compartments) };
}

function parseAccount(v: unknown): Account {
  if (!isRecord(v) || typeof v.name !== 'string' || (v.role !== 'admin' && v.role !== 'analyst')) return invalid('an account', v);
  return {
    name: v.name,
    displayName: optString(v.displayName) ?? v.name,
    role: v.role,
    groups: strings(v.groups),
    disabled: v.disabled === true,
    sso: v.sso === true,
    createdAt: optString(v.createdAt) ?? '',
    clearance: parseMarking(v.clearance),
  };
}

function parseRecord(v: unknown): AuditRecord {
  if (!isRecord(v) || typeof v.seq !== 'number' || typeof v.time !== 'string' || typeof v.action !== 'string') return invalid('an audit record', v);
  const actor = isRecord(v.actor) ? v.actor : {};
  return {
    seq: v.seq,
    time: v.time,
    action: v.action,
    actor: { userId: optString(actor.userId), name: optString(actor.name), address: optString(actor.address) },
    target: optString(v.target),
    details: isRecord(v.details) ? v.details : {},
  };
}

export async function listAccounts(): Promise<Account[]> {
  const r = await getJson('/api/admin/users');
  if (!isRecord(r) || !Array.isArray(r.users)) return invalid('GET /api/admin/users', r);
  return r.users.map(parseAccount);
}

export async function createAccount(input: { name: string; displayName?: string; role: string; password: string; groups?: string[] }): Promise<Account> {
  const r = await requestJson('POST', '/api/admin/users', input);
  return parseAccount(isRecord(r) ? r.user : r);
}

export async function updateAccount(name: string, change: { displayName?: string; role?: string; disabled?: boolean; groups?: string[] }): Promise<Account> {
  const r = await requestJson('PATCH', `/api/admin/users/${encodeURIComponent(name)}`, change);
  return parseAccount(isRecord(r) ? r.user : r);
}

export async function resetPassword(name: string, password: string): Promise<void> {
  await requestJson('POST', `/api/admin/users/${encodeURIComponent(name)}/password`, { password });
}

export async function getLevels(): Promise<Levels> {
  const r = await getJson('/api/access/levels');
  if (!isRecord(r) || !Array.isArray(r.levels)) return invalid('GET /api/access/levels', r);
  const levels = r.levels.filter(isRecord).map((l) => ({ label: String(l.label) }));
  return { levels, compartments: strings(r.compartments) };
}

export async function setClearance(user: string, m: Marking): Promise<Marking> {
  const r = await requestJson('PUT', `/api/access/clearances/${encodeURIComponent(user)}`, m);
  return (isRecord(r) && parseMarking(r.clearance)) || invalid('PUT clearance', r);
}

export async function listDatasetMarkings(): Promise<{ name: string; marking: Marking }[]> {
  const r = await getJson('/api/access/datasets');
  if (!isRecord(r) || !Array.isArray(r.datasets)) return invalid('GET /api/access/datasets', r);
  return r.datasets.filter(isRecord).map((d) => ({ name: String(d.name), marking: parseMarking(d.marking) ?? { level: '', compartments: [] } }));
}

export async function setDatasetMarking(name: string, m: Marking): Promise<Marking> {
  const r = await requestJson('PUT', `/api/access/datasets/${encodeURIComponent(name)}`, m);
  return (isRecord(r) && parseMarking(r.marking)) || invalid('PUT dataset marking', r);
}

/** A page of the audit log matching `filter`, newest first, below `before` when given. */
export async function searchAudit(filter: AuditFilter, before: number | null, limit = 50): Promise<AuditPage> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) params.set(k, v);
  params.set('limit', String(limit));
  if (before !== null) params.set('before', String(before));
  const r = await getJson(`/api/admin/audit?${params}`);
  if (!isRecord(r) || !Array.isArray(r.records)) return invalid('GET /api/admin/audit', r);
  return { records: r.records.map(parseRecord), total: Number(r.total) || 0, next: typeof r.next === 'number' ? r.next : null };
}

export async function verifyAudit(): Promise<VerifyResult> {
  const r = await getJson('/api/admin/audit/verify');
  if (!isRecord(r) || typeof r.ok !== 'boolean') return invalid('GET /api/admin/audit/verify', r);
  return r as unknown as VerifyResult;
}

export async function auditNotebook(): Promise<{ id: string }> {
  const r = await requestJson('POST', '/api/admin/audit/notebook', {});
  if (!isRecord(r) || typeof r.id !== 'string') return invalid('POST /api/admin/audit/notebook', r);
  return { id: r.id };
}

/** Actions the server records (server/audit/types.ts AUDIT_ACTIONS), for the filter. */
export const AUDIT_ACTIONS = [
  'login', 'login_failed', 'logout', 'query', 'export', 'share', 'role_change', 'account_change',
  'dataset_import', 'token_create', 'token_revoke', 'audit_repair',
] as const;
