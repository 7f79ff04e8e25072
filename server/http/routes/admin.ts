/**
 * `/api/admin`: what administrators manage — accounts, the audit log (search, chain
 * check, a notebook over it). Every route refuses analysts with 403. Account changes go
 * through server/auth, which validates them and writes the audit record with the actor.
 */
import { Hono, type Context } from 'hono';
import type { AppDeps } from '../deps.js';
import { jsonObject, onlyFields } from '../body.js';
import { currentUser, requestActor, requireAdmin } from '../session.js';
import { BadRequestError, NotFoundError } from '../../errors.js';
import { parseAuditQuery } from '../../audit/search.js';
import { auditNotebook } from '../../audit/notebook.js';
import { parseRole, type Role, type StoredUser } from '../../auth/index.js';

const MAX_NAME = 200;
const MAX_SECRET = 4096;

function stringField(body: Record<string, unknown>, key: string, where: string, max: number): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new BadRequestError(`${where}: "${key}" must be a string`);
  if (v.length > max) throw new BadRequestError(`${where}: "${key}" is too long (${v.length} characters; at most ${max})`);
  return v;
}

function roleField(body: Record<string, unknown>, where: string): Role | undefined {
  if (body.role === undefined) return undefined;
  const role = parseRole(body.role);
  if (!role) throw new BadRequestError(`${where}: "role" must be admin or analyst`);
  return role;
}

function groupsField(body: Record<string, unknown>, where: string): string[] | undefined {
  const v = body.groups;
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((g) => typeof g !== 'string')) throw new BadRequestError(`${where}: "groups" must be a list of group names`);
  return v as string[];
}

/** Login names in a URL: the same characters the account rules allow, checked before any lookup. */
function nameParam(c: Context): string {
  const name = c.req.param('name') ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new BadRequestError(`invalid login name "${name.slice(0, 70)}" in the address`);
  return name.toLowerCase();
}

export function adminRoutes(deps: AppDeps) {
  const { auth, access } = deps;

  /** An account as the page shows it: never its password hash. */
  const shown = async (u: StoredUser) => ({
    name: u.name,
    displayName: u.displayName,
    role: u.role,
    groups: u.groups ?? [],
    disabled: u.disabled,
    /** Signs in through single sign-on: no password to reset; role and groups follow the provider at each sign-in. */
    sso: u.source !== undefined,
    createdAt: u.createdAt,
    clearance: access ? await access.clearanceOf({ name: u.name }) : null,
  });
  const account = async (name: string) => {
    const u = await auth.users.byName(name);
    if (!u) throw new NotFoundError(`no account named "${name.slice(0, 70)}"`);
    return u;
  };

  return new Hono()
    .use('*', async (c, next) => {
      requireAdmin(c);
      c.header('Cache-Control', 'no-store');
      await next();
    })
    .get('/users', async (c) => {
      const users = await auth.users.list();
      return c.json({ users: await Promise.all([...users].sort((a, b) => a.name.localeCompare(b.name)).map(shown)) });
    })
    .post('/users', async (c) => {
      const where = 'POST /api/admin/users';
      const body = await jsonObject(c, where);
      onlyFields(body, ['name', 'displayName', 'role', 'password', 'groups'], where);
      const name = stringField(body, 'name', where, MAX_NAME);
      const password = stringField(body, 'password', where, MAX_SECRET);
      const role = roleField(body, where);
      if (!name) throw new BadRequestError(`${where}: "name" is required`);
      if (!password) throw new BadRequestError(`${where}: "password" is required`);
      if (!role) throw new BadRequestError(`${where}: "role" is required (admin or analyst)`);
      const displayName = stringField(body, 'displayName', where, MAX_NAME)?.trim() || undefined;
      const groups = groupsField(body, where);
      const user = await auth.addUser(requestActor(c), { name, role, password, ...(displayName ? { displayName } : {}), ...(groups ? { groups } : {}) });
      return c.json({ user: await shown(await account(user.name)) }, 201);
    })
    .patch('/users/:name', async (c) => {
      const name = nameParam(c);
      const where = `PATCH /api/admin/users/${name}`;
      const body = await jsonObject(c, where);
      onlyFields(body, ['displayName', 'role', 'disabled', 'groups'], where);
      if (Object.keys(body).length === 0) throw new BadRequestError(`${where}: nothing to change (send displayName, role, disabled or groups)`);
      const displayName = stringField(body, 'displayName', where, MAX_NAME);
      const role = roleField(body, where);
      const groups = groupsField(body, where);
      if (body.disabled !== undefined && typeof body.disabled !== 'boolean') throw new BadRequestError(`${where}: "disabled" must be true or false`);
      const disabled = body.disabled as boolean | undefined;
      // All the fields or none (an unknown account is a 404); then one audit record per field that changed.
      await auth.updateAccount(requestActor(c), name, {
        ...(displayName !== undefined ? { displayName } : {}),
        ...(groups !== undefined ? { groups } : {}),
        ...(role !== undefined ? { role } : {}),
        ...(disabled !== undefined ? { disabled } : {}),
      });
      // Role, groups and the account's state decide notebook roles: open websockets follow (every notebook).
      if (role !== undefined || groups !== undefined || disabled !== undefined) await deps.liveAccess?.recheck(null);
      return c.json({ user: await shown(await account(name)) });
    })
    .post('/users/:name/password', async (c) => {
      const name = nameParam(c);
      const where = `POST /api/admin/users/${name}/password`;
      const body = await jsonObject(c, where);
      onlyFields(body, ['password'], where);
      const password = stringField(body, 'password', where, MAX_SECRET);
      if (!password) throw new BadRequestError(`${where}: "password" is required`);
      await account(name);
      await auth.resetPassword(requestActor(c), name, password);
      // The account's sessions ended: so do the websockets opened with them.
      await deps.liveAccess?.recheck(null);
      return c.json({ ok: true });
    })
    .get('/audit', async (c) => {
      const q = parseAuditQuery(c.req.query());
      const page = await deps.audit.search(q);
      // The next page continues below the last record shown, so records appended meanwhile do not shift it.
      const last = page.records.at(-1);
      const more = page.total > q.offset + page.records.length;
      return c.json({ records: page.records, total: page.total, next: more && last ? last.seq : null });
    })
    .get('/audit/verify', async (c) => c.json(await deps.audit.verify()))
    .post('/audit/notebook', async (c) => {
      const where = 'POST /api/admin/audit/notebook';
      onlyFields(await jsonObject(c, where), [], where);
      const { title, cells } = auditNotebook(new Date().toISOString().slice(0, 10));
      const id = await deps.notebooks.create(title, cells);
      // The administrator who made it owns it (notebook sharing).
      await deps.sharing.created(id, currentUser(c));
      return c.json({ id, title }, 201);
    });
}
