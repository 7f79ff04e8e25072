/** Icons of the collaboration features (24×24, stroked, drawn like client/ui/icons.ts). */
import { svgIcon } from '../ui/dom.js';

const paths = {
  comment: 'M4 5h16v11H9l-5 4z',
  history: 'M3 12a9 9 0 1 0 3-6.7|M3 4v5h5|M12 7v5l3 3',
  check: 'M5 12l5 5 9-10',
  reopen: 'M4 12a8 8 0 1 0 2.4-5.7|M4 4v5h5',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z|M4 21c0-4 4-6 8-6s8 2 8 6',
  offline: 'M2 8.5a15 15 0 0 1 20 0|M5 12a10 10 0 0 1 14 0|M8.5 15.5a5 5 0 0 1 7 0|M12 19h.01|M3 3l18 18',
} as const;

export type CollabIconName = keyof typeof paths;

/** An inline SVG icon; nothing is fetched. */
export function collabIcon(name: CollabIconName, size = 15): SVGSVGElement {
  return svgIcon(paths[name], size);
}
