/** Icons of sharing (24×24, stroked, drawn like client/ui/icons.ts). */
import { svgIcon } from '../ui/dom.js';

const paths = {
  share: 'M16 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6z|M6 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z|M16 22a3 3 0 1 0 0-6 3 3 0 0 0 0 6z|M8.6 13.5l5 3|M13.6 6.5l-5 3',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z|M4 21c0-4 4-6 8-6s8 2 8 6',
  group: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7z|M2 20c0-3.5 3-5.5 7-5.5s7 2 7 5.5|M16 4.3a3.5 3.5 0 0 1 0 6.4|M18 14.8c2.4.6 4 2.3 4 5.2',
  everyone: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z|M3 12h18|M12 3c2.5 2.5 3.5 5.5 3.5 9s-1 6.5-3.5 9c-2.5-2.5-3.5-5.5-3.5-9s1-6.5 3.5-9z',
  eye: 'M2 12s3.5-7 10-7 10 7 10 7-3.5 7-10 7S2 12 2 12z|M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6z',
  comment: 'M4 5h16v11H9l-5 4z',
} as const;

export type SharingIconName = keyof typeof paths;

/** An inline SVG icon; nothing is fetched. */
export function sharingIcon(name: SharingIconName, size = 15): SVGSVGElement {
  return svgIcon(paths[name], size);
}
