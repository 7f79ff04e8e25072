/** Light and dark themes: the system's preference until the user picks one, then remembered. */
export type Theme = 'light' | 'dark';

const STORAGE_KEY = 'carnet.theme';
const media = () => window.matchMedia('(prefers-color-scheme: dark)');

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

/** The theme in effect: the remembered choice, else the system's. */
export function currentTheme(): Theme {
  return stored() ?? (media().matches ? 'dark' : 'light');
}

function apply(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/** Applies the theme now and follows the system while the user has not chosen. */
export function initTheme(onChange: (theme: Theme) => void): void {
  apply(currentTheme());
  media().addEventListener('change', () => {
    if (stored()) return;
    apply(currentTheme());
    onChange(currentTheme());
  });
}

/** Switches to the other theme and remembers the choice. */
export function toggleTheme(): Theme {
  const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Applied for this page only.
  }
  apply(next);
  return next;
}
