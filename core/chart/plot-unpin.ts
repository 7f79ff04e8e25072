/** Restores the pixel ratio once Plot's modules have evaluated. See plot.ts. */
import { unpin } from './plot-pin.js';

unpin();
