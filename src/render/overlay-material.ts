/**
 * The overlay ShaderMaterial: `{ uniforms, vertexShader, fragmentShader }` built from the files in
 * shaders/ (imported as strings). The fragment shader is the three helper effects followed by the
 * blend; each file's header says what it computes.
 */
import { ShaderMaterial, type Texture } from 'three';
import vertexShader from '../../shaders/fullscreen.vert.glsl?raw';
import imageSample from '../../shaders/image-sample.glsl?raw';
import bicubicMap from '../../shaders/bicubic-map.glsl?raw';
import colormap from '../../shaders/colormap.glsl?raw';
import overlayFrag from '../../shaders/overlay.frag.glsl?raw';
import { COMPARE_COLORS, type OverlayMode } from '../core/overlay-types.ts';

export const MODE_INDEX: Record<OverlayMode | 'plain', number> = {
  plain: 0,
  heatmap: 1,
  mask: 2,
  compare: 3,
};

export const overlayShader = {
  vertexShader,
  fragmentShader: [imageSample, bicubicMap, colormap, overlayFrag].join('\n'),
};

export interface OverlayUniformValues {
  image: Texture;
  mapA: Texture;
  mapB: Texture;
  colormap: Texture;
}

/** A fresh material; the renderer mutates `uniforms.*.value` in place afterwards (no allocation). */
export function createOverlayMaterial(textures: OverlayUniformValues): ShaderMaterial {
  return new ShaderMaterial({
    ...overlayShader,
    uniforms: {
      uImage: { value: textures.image },
      uImageSize: { value: [1, 1] },
      uImageRange: { value: [0, 1] },
      uSmooth: { value: false },
      uAbsolute: { value: false },
      uColormap: { value: textures.colormap },
      uMode: { value: 0 },
      uOpacity: { value: 0.6 },
      uTau: { value: 0.4 },
      uCompareA: { value: [...COMPARE_COLORS[0]] },
      uCompareB: { value: [...COMPARE_COLORS[1]] },
      uViewSize: { value: [1, 1] },
      uMapA: { value: textures.mapA },
      uMapASize: { value: [1, 1] },
      uMapAMinMax: { value: [0, 1] },
      uMapB: { value: textures.mapB },
      uMapBSize: { value: [1, 1] },
      uMapBMinMax: { value: [0, 1] },
    },
    depthTest: false,
    depthWrite: false,
  });
}
