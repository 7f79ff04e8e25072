/**
 * Who this browser is to the others in a notebook: a name and a colour for avatars, cursors
 * and comments. With accounts on, the name is the session's display name (the server also
 * signs presence with it); without, it is a name the person picks once, kept in this browser.
 */
import { getJson, isRecord } from '../api/http.js';
import { t } from '../i18n/index.js';

const COLORS = ['#2f6fdf', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const STORAGE_KEY = 'carnet.presence';
const MAX_NAME = 60;

export interface PresenceUser {
  name: string;
  color: string;
  colorLight: string;
  /** Account id with accounts on; otherwise a random id kept in this browser. Comments use it for "delete your own". */
  id: string;
  /** True when the name comes from the server's session (it cannot be changed here). */
  fromAccount: boolean;
  /** False until the person has confirmed or picked a name (they are asked once). */
  picked: boolean;
}

interface Stored {
  name: string;
  color: string;
  id: string;
  picked: boolean;
}

/** A stable colour for `key` (an account id): the same person looks the same everywhere. Pure. */
export function colorFor(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return COLORS[(h >>> 0) % COLORS.length]!;
}

/** Up to two initials of a name ("Ana Lyst" → "AL", "bob" → "B"). Pure. */
export function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/).filter((w) => w !== '');
  const letters = words.slice(0, 2).map((w) => Array.from(w)[0] ?? '');
  return letters.join('').toUpperCase() || '?';
}

/** A picked name as kept: trimmed, single-spaced, at most 60 characters; null when empty. Pure. */
export function cleanName(raw: string): string | null {
  const name = raw.replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  return name === '' ? null : name;
}

function light(color: string): string {
  return `${color}33`;
}

function readStored(): Stored | null {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
    if (isRecord(v) && typeof v.name === 'string' && typeof v.color === 'string') {
      return { name: v.name, color: v.color, id: typeof v.id === 'string' ? v.id : randomId(), picked: v.picked === true };
    }
  } catch {
    // A fresh identity below.
  }
  return null;
}

function writeStored(s: Stored): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(s));
  } catch {
    // Not remembered: the person is asked again next time.
  }
}

function randomId(): string {
  return 'b' + Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The local user as this browser remembers them (a default name until one is picked). Synchronous. */
export function presenceUser(): PresenceUser {
  let stored = readStored();
  if (!stored) {
    const n = crypto.getRandomValues(new Uint32Array(1))[0]!;
    stored = { name: t('presence.name', { n: String((n % 900) + 100) }), color: COLORS[n % COLORS.length]!, id: randomId(), picked: false };
    writeStored(stored);
  }
  return { name: stored.name, color: stored.color, colorLight: light(stored.color), id: stored.id, fromAccount: false, picked: stored.picked };
}

/** Keeps `name` as this browser's chosen name; returns the updated user. */
export function pickName(name: string): PresenceUser {
  const current = presenceUser();
  const clean = cleanName(name) ?? current.name;
  writeStored({ name: clean, color: current.color, id: current.id, picked: true });
  return { ...current, name: clean, picked: true };
}

/**
 * The local user: the session's account when authentication is on (GET /api/auth/me), else
 * the remembered one. Never fails: without an answer, the remembered user.
 */
export async function resolvePresenceUser(): Promise<PresenceUser> {
  const local = presenceUser();
  try {
    const me = await getJson('/api/auth/me');
    if (!isRecord(me) || me.auth === 'off' || !isRecord(me.user)) return local;
    const id = typeof me.user.id === 'string' ? me.user.id : local.id;
    const name = typeof me.user.displayName === 'string' && me.user.displayName !== '' ? me.user.displayName : typeof me.user.name === 'string' ? me.user.name : local.name;
    const color = colorFor(id);
    return { name, color, colorLight: light(color), id, fromAccount: true, picked: true };
  } catch {
    return local;
  }
}
