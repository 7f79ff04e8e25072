/**
 * The people in a notebook, read from the awareness states. Every state comes from some
 * other browser, so each field is checked here once and the views use the clean shape. Pure.
 */

export interface Person {
  /** Awareness client id (one per browser tab). */
  clientId: number;
  /** Who it is across tabs: the account id, else the browser's id, else the client id. */
  key: string;
  name: string;
  color: string;
  colorLight: string;
  /** The cell this person is in, if any. */
  cell?: string;
  self: boolean;
}

const COLOR = /^#[0-9a-fA-F]{3,8}$/;
const MAX_NAME = 80;

/** The people of `states` (awareness.getStates()), the local client first, then by name. */
export function peopleFrom(states: ReadonlyMap<number, unknown>, selfClientId: number): Person[] {
  const out: Person[] = [];
  for (const [clientId, state] of states) {
    if (typeof state !== 'object' || state === null) continue;
    const s = state as Record<string, unknown>;
    const user = typeof s.user === 'object' && s.user !== null ? (s.user as Record<string, unknown>) : null;
    if (!user || typeof user.name !== 'string' || user.name.trim() === '') continue;
    const color = typeof user.color === 'string' && COLOR.test(user.color) ? user.color : '#6b7280';
    const colorLight = typeof user.colorLight === 'string' && COLOR.test(user.colorLight) ? user.colorLight : `${color}33`;
    const person: Person = {
      clientId,
      key: typeof user.id === 'string' && user.id !== '' ? `u:${user.id}` : `c:${clientId}`,
      name: user.name.trim().slice(0, MAX_NAME),
      color,
      colorLight,
      self: clientId === selfClientId,
    };
    if (typeof s.cell === 'string' && s.cell.length <= 64) person.cell = s.cell;
    out.push(person);
  }
  return out.sort((a, b) => (a.self !== b.self ? (a.self ? -1 : 1) : a.name.localeCompare(b.name) || a.clientId - b.clientId));
}

/**
 * One entry per person for avatars: tabs of the same account (or browser) show once. The
 * local person's entry comes first; for others, the tab whose state was listed first wins.
 */
export function distinctPeople(people: readonly Person[]): Person[] {
  const seen = new Set<string>();
  const out: Person[] = [];
  for (const p of people) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    out.push(p);
  }
  return out;
}
