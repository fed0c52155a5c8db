/**
 * The render/ pieces that components use, re-exported here so components import from state/
 * only (the folder rule in DESIGN.md); the drawing itself stays in render/.
 */
export { OverlayRenderer } from '../render/overlay-renderer.ts';
export { detectWebGl2 } from '../render/webgl-support.ts';
export { schedulePaint, colormapGradient } from '../render/map-painter.ts';
export { COMPARE_COLORS } from '../render/overlay-types.ts';
export { diverging } from '../render/diverging.ts';
