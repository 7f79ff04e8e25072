/**
 * The sharing calls of the server (see the issue 6 contract): a notebook's owner and shares,
 * saving them, and the directory of people and groups for the share picker. Answers are
 * validated here, so the dialog sees one shape.
 */
import { getJson, invalid, isRecord, requestJson } from '../api/http.js';

/** A role given by a share, highest first. */
export const SHARE_ROLES = ['editor', 'commenter', 'viewer'] as const;
export type ShareRole = (typeof SHARE_ROLES)[number];
/** A user's role on a notebook: the owner (or an administrator), else the best share that matches. */
export type NotebookRole = 'owner' | ShareRole;
export type ShareKind = 'user' | 'group' | 'everyone';

export interface Share {
  kind: ShareKind;
  /** Login name, group name, or '*' for everyone. */
  name: string;
  role: ShareRole;
}

export interface Sharing {
  owner: string | null;
  shares: Share[];
  /** The signed-in user's role; null after they gave the notebook away and kept no share. */
  role: NotebookRole | null;
  /** Whether the signed-in user may change the shares (owner or administrator). */
  canShare: boolean;
}

export interface Directory {
  /** `id`: the account id, which comment messages carry as authorId. */
  users: { id?: string; name: string; displayName: string }[];
  groups: string[];
}

/** A role named by the server, or undefined. Pure. */
export function parseNotebookRole(v: unknown): NotebookRole | undefined {
  return v === 'owner' || v === 'editor' || v === 'commenter' || v === 'viewer' ? v : undefined;
}

function parseShare(v: unknown): Share | undefined {
  if (!isRecord(v) || typeof v.name !== 'string') return undefined;
  const role = parseNotebookRole(v.role);
  if (!role || role === 'owner') return undefined;
  if (v.kind !== 'user' && v.kind !== 'group' && v.kind !== 'everyone') return undefined;
  return { kind: v.kind, name: v.kind === 'everyone' ? '*' : v.name, role };
}

/** Validates GET/PUT /api/notebooks/:id/sharing answers. Pure; throws a readable error on another shape. */
export function parseSharing(body: unknown): Sharing {
  const role = isRecord(body) ? (body.role === null ? null : parseNotebookRole(body.role)) : undefined;
  if (!isRecord(body) || !Array.isArray(body.shares) || role === undefined || (body.owner !== null && typeof body.owner !== 'string')) return invalid('a notebook’s sharing', body);
  const shares: Share[] = [];
  for (const s of body.shares) {
    const share = parseShare(s);
    if (!share) return invalid('a share', s);
    shares.push(share);
  }
  return { owner: body.owner, shares, role, canShare: body.canShare === true };
}

/** Validates GET /api/directory. Pure; entries of another shape are left out. */
export function parseDirectory(body: unknown): Directory {
  if (!isRecord(body)) return invalid('GET /api/directory', body);
  const users = Array.isArray(body.users)
    ? body.users.flatMap((u) =>
        isRecord(u) && typeof u.name === 'string'
          ? [{ ...(typeof u.id === 'string' && u.id ? { id: u.id } : {}), name: u.name, displayName: typeof u.displayName === 'string' && u.displayName ? u.displayName : u.name }]
          : [],
      )
    : [];
  const groups = Array.isArray(body.groups) ? body.groups.filter((g): g is string => typeof g === 'string' && g !== '') : [];
  return { users, groups };
}

const sharingPath = (notebookId: string) => `/api/notebooks/${encodeURIComponent(notebookId)}/sharing`;

export async function getSharing(notebookId: string): Promise<Sharing> {
  return parseSharing(await getJson(sharingPath(notebookId)));
}

/** Replaces the notebook's shares (owner or administrator only); resolves to the saved state. */
export async function putSharing(notebookId: string, shares: readonly Share[]): Promise<Sharing> {
  return parseSharing(await requestJson('PUT', sharingPath(notebookId), { shares }));
}

export async function getDirectory(): Promise<Directory> {
  return parseDirectory(await getJson('/api/directory'));
}
