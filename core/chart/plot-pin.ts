/** Pins the pixel ratio before Plot's modules evaluate; plot-unpin.ts restores it. See pixel-ratio.ts. */
import { pinPixelRatio } from './pixel-ratio.js';

export const unpin = pinPixelRatio();
