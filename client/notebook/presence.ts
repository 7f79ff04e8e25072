/** Who this browser is to the others in a notebook: a remembered name and colour for cursors. */
import { t } from '../i18n/index.js';

const COLORS = ['#2f6fdf', '#c2410c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#be185d'];
const STORAGE_KEY = 'carnet.presence';

export interface PresenceUser {
  name: string;
  color: string;
  colorLight: string;
}

/** The local user's presence; made once per browser and remembered (until sign-in provides names). */
export function presenceUser(): PresenceUser {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null') as PresenceUser | null;
    if (saved && typeof saved.name === 'string' && typeof saved.color === 'string') return { ...saved, colorLight: `${saved.color}33` };
  } catch {
    // A fresh identity below.
  }
  const n = crypto.getRandomValues(new Uint32Array(1))[0]!;
  const color = COLORS[n % COLORS.length]!;
  const user = { name: t('presence.name', { n: String((n % 900) + 100) }), color, colorLight: `${color}33` };
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(user));
  } catch {
    // Not remembered: a new name next time.
  }
  return user;
}
