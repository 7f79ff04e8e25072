/**
 * Opening a notebook follows clearance: its marking is the highest of the file's
 * classification, the marking its owner raised it to (kept server-side with its sharing)
 * and its cells' latest run markings (`notebookMarking`), and a user whose
 * clearance does not cover it cannot open it — the collaboration websocket refuses the
 * upgrade, the marking route answers 403, and the home list leaves it out.
 */
import type { IncomingMessage } from 'node:http';
import type { NotebookId } from '../../core/ids.js';
import type { AccessDecision, CollabIdentity } from '../collab/connection.js';
import { notebookIdOf, UpgradeRefusal } from '../collab/ws-server.js';
import type { Access, Subject } from './access.js';
import { markingText, type Marking } from './levels.js';
import { canEditRole, type RoleSubject } from './notebook-role.js';
import { assertMayRead } from './result-guard.js';
import type { Sharing } from './sharing.js';

/** What deciding about a notebook needs: its classification, its owner's raise and its latest runs. */
export interface NotebookSource {
  classification(id: NotebookId): Promise<string | undefined>;
  latestRuns(id: NotebookId): Promise<Record<string, { marking?: Marking }>>;
  /** The marking the owner raised the notebook to; absent: no raise is known to this source. */
  raised?(id: NotebookId): Promise<Marking | undefined>;
}

/** A NotebookSource over the server's live documents, run log and (when given) sharing state. */
export function notebookSource(deps: {
  docs: { read(id: NotebookId): Promise<{ meta: { classification?: string } }> };
  runs: { latest(id: NotebookId): Promise<Record<string, { marking?: Marking }>> };
  sharing?: Pick<Sharing, 'raisedOf'>;
}): NotebookSource {
  const { sharing } = deps;
  return {
    classification: async (id) => (await deps.docs.read(id)).meta.classification,
    latestRuns: (id) => deps.runs.latest(id),
    ...(sharing ? { raised: (id: NotebookId) => sharing.raisedOf(id) } : {}),
  };
}

/** The marking of notebook `id` as it stands now. */
export async function markingOfNotebook(access: Access, source: NotebookSource, id: NotebookId): Promise<Marking> {
  const [classification, runs, raised] = await Promise.all([source.classification(id), source.latestRuns(id), source.raised?.(id)]);
  return access.notebookMarking(classification, Object.values(runs).map((r) => r.marking), raised);
}

/** Throws 403 naming the marking when `user` is not cleared for notebook `id`. */
export async function assertMayOpenNotebook(access: Access | undefined, source: NotebookSource, user: Subject, id: NotebookId): Promise<void> {
  if (!access?.enforced) return;
  await assertMayRead(access, user, `notebook "${id}"`, await markingOfNotebook(access, source, id));
}

/** What deciding a websocket user's role on a notebook needs. */
export interface UpgradeRoles {
  sharing: Sharing;
  /** The account behind a websocket identity (its role and groups), by login name; undefined when gone. */
  userOf(name: string): Promise<RoleSubject | undefined>;
}

/**
 * Wraps the websocket `authorize` hook: refuses an anonymous request (401, as
 * UpgradeRefusal) and, after the session check, refuses (null → 403) a
 * user without a role on the notebook of the upgrade's URL (when `roles` is given) or not
 * cleared for it. A viewer's or commenter's identity cannot edit; a commenter's carries
 * `commentOnly`, so the room takes their changes to the comments and nothing else. A
 * notebook whose marking cannot be read (missing, malformed) is left to the collab
 * server, which answers 404 or closes.
 */
export function authorizeNotebook(
  access: Access,
  source: NotebookSource,
  inner: (req: IncomingMessage) => Promise<CollabIdentity | null>,
  roles?: UpgradeRoles,
): (req: IncomingMessage) => Promise<CollabIdentity | null> {
  const decide = notebookAccessDecider(access, source, roles);
  return async (req) => {
    const identity = await inner(req);
    // No session nor token: 401, so a client can tell "sign in" from "not shared with you".
    if (!identity) throw new UpgradeRefusal(401, 'sign in first');
    const id = notebookIdOf(req.url);
    if (id === null) return identity;
    const decided = await decide(identity, id as NotebookId);
    return typeof decided === 'string' ? null : decided;
  };
}

/**
 * The websocket check of `identity` on notebook `id` as it stands now: the identity with
 * what its role allows, or why it may not open the notebook. The upgrade (authorizeNotebook)
 * and the re-check of open connections (accessRecheck) both use it, so they never disagree.
 */
export function notebookAccessDecider(
  access: Access,
  source: NotebookSource,
  roles?: UpgradeRoles,
): (identity: CollabIdentity, id: NotebookId) => Promise<CollabIdentity | string> {
  return async (identity, id) => {
    if (roles?.sharing.enforced) {
      const subject = await roles.userOf(identity.name);
      if (!subject) return `the account "${identity.name}" is disabled or gone`;
      const role = await roles.sharing.roleOf(subject, id);
      if (role === null) return `notebook "${id}" is not shared with you`;
      const { commentOnly: _ignored, ...rest } = identity;
      identity = { ...rest, canEdit: identity.canEdit && canEditRole(role), ...(role === 'commenter' ? { commentOnly: true } : {}) };
    }
    if (!access.enforced) return identity;
    let marking: Marking;
    try {
      marking = await markingOfNotebook(access, source, id);
    } catch {
      // Unreadable: the collab server answers 404 or closes; not an access question.
      return identity;
    }
    return (await access.mayRead({ name: identity.name }, marking)) ? identity : `notebook "${id}" is marked ${markingText(marking)}, above your clearance`;
  };
}

/**
 * The `decide` of Collab.recheck: what an open connection may do now, by the same rules as
 * the upgrade. Its identity's edit right is decided afresh from the role (the upgrade's
 * session check grants editing to every signed-in user), so a viewer raised back to
 * editor edits again without reconnecting. With `credentialEnded` (Auth's), a connection
 * whose session or API token no longer holds is refused first, with its reason.
 */
export function accessRecheck(
  access: Access,
  source: NotebookSource,
  roles?: UpgradeRoles,
  credentialEnded?: (credential: NonNullable<CollabIdentity['credential']>) => Promise<string | null>,
): (identity: CollabIdentity, id: string) => Promise<AccessDecision> {
  const decide = notebookAccessDecider(access, source, roles);
  return async (identity, id) => {
    const ended = identity.credential && credentialEnded ? await credentialEnded(identity.credential) : null;
    if (ended !== null) return { refused: ended };
    const decided = await decide({ ...identity, canEdit: true }, id as NotebookId);
    return decisionOf(decided);
  };
}

/** The upgrade check's answer as a re-check's decision. Pure. */
export function decisionOf(decided: CollabIdentity | string): AccessDecision {
  if (typeof decided === 'string') return { refused: decided };
  return { canEdit: decided.canEdit, ...(decided.commentOnly ? { commentOnly: true } : {}) };
}

/**
 * The notebooks of a listing that `user` may open, in order (the home list). `source` is
 * the latest runs alone (no raise considered) or a NotebookSource's runs and raises.
 */
export async function openableNotebooks<N extends { id: NotebookId; classification?: string | undefined }>(
  access: Access | undefined,
  source: NotebookSource['latestRuns'] | Pick<NotebookSource, 'latestRuns' | 'raised'>,
  user: Subject,
  list: readonly N[],
): Promise<N[]> {
  if (!access?.enforced) return [...list];
  const { latestRuns, raised } = typeof source === 'function' ? { latestRuns: source, raised: undefined } : source;
  const out: N[] = [];
  for (const n of list) {
    const [runs, raise] = await Promise.all([latestRuns(n.id), raised?.(n.id)]);
    const marking = access.notebookMarking(n.classification, Object.values(runs).map((r) => r.marking), raise);
    if (await access.mayRead(user, marking)) out.push(n);
  }
  return out;
}
