/**
 * Chart colours that read on both the light and the dark page. Axes and text use the
 * theme's text colour; categories use Observable's 10-colour scheme, chosen to stay
 * distinguishable on white and on near-black; measures use a sequential scheme whose low
 * end fades towards the page, so that small values recede.
 */
import type { ColorScheme } from '@observablehq/plot';

export type ChartTheme = 'light' | 'dark';

export interface ThemeColors {
  /** Axes, labels, outlines (set as the chart's CSS `color`, used via currentColor). */
  text: string;
  /** Tooltip background and halos (Plot's --plot-background). */
  background: string;
  /** Marks without a colour channel. */
  accent: string;
  categorical: ColorScheme;
  sequential: ColorScheme;
}

export const THEMES: Readonly<Record<ChartTheme, ThemeColors>> = {
  light: { text: '#1f2328', background: '#ffffff', accent: '#4269d0', categorical: 'observable10', sequential: 'YlGnBu' },
  dark: { text: '#e6edf3', background: '#0d1117', accent: '#6f95e8', categorical: 'observable10', sequential: 'viridis' },
};
