/**
 * Observable Plot, as every chart module must import it: modules evaluate in the order of
 * these declarations, so Plot computes its pixel offset with the ratio pinned (see
 * pixel-ratio.ts). Importing '@observablehq/plot' elsewhere first would defeat this.
 */
import './plot-pin.js';
export * as Plot from '@observablehq/plot';
import './plot-unpin.js';
