// overlay.frag.glsl — the attention overlay: image, map(s) and blend, one output pixel at a time.
//
// Needs image-sample.glsl, bicubic-map.glsl and colormap.glsl prepended (overlay-material.ts joins
// them). For output pixel (x, y) (row 0 at the top) of the S_x×S_y view:
//   img = sampleImage(x, y)                          display RGB in [0, 1]
//   a   = normaliseMap(bicubic(mapA)(x, y), minMaxA)  in [0, 1]   (likewise b for mapB)
// uMode selects the blend:
//   0 plain:    out = img                                        (no word hovered or pinned)
//   1 heatmap:  out = mix(img, colormap(a), opacity)
//   2 mask:     out = a >= tau ? img : img · 0.25                (DAAM's thresholded mask, live)
//   3 compare:  two words, two colours (uniforms, chosen against the image's own colours by
//               src/render/compare-colours.ts; default orange (1.00, 0.40, 0.05) for the first
//               pinned word and azure (0.05, 0.55, 1.00) for the second)
//               overlay = clamp(a · uCompareA + b · uCompareB, 0, 1)
//               out     = mix(img, overlay, max(a, b) · opacity)
//               Where both words are high the colours add towards white.
// src/render/cpu-renderer.ts (exports, the CLI) computes the same formulas; the default compare
// colours are COMPARE_COLORS in src/core/overlay-types.ts, a chosen pair is OverlayParams.compareColors.
// Output alpha is 1. Conversion to 8 bits is the GL's (round to nearest).

uniform int uMode;
uniform float uOpacity;
uniform float uTau;
uniform vec2 uViewSize;  // (S_x, S_y) in device pixels
uniform sampler2D uMapA;
uniform vec2 uMapASize;
uniform vec2 uMapAMinMax;
uniform sampler2D uMapB;
uniform vec2 uMapBSize;
uniform vec2 uMapBMinMax;

uniform vec3 uCompareA;
uniform vec3 uCompareB;

void main() {
  // gl_FragCoord is bottom-up with pixel centres at .5; flip to a top-down pixel index.
  vec2 pix = vec2(floor(gl_FragCoord.x), uViewSize.y - 1.0 - floor(gl_FragCoord.y));
  vec3 img = sampleImage(pix, uViewSize);
  vec3 outColor = img;
  if (uMode != 0) {
    float a = normaliseMap(sampleMapBicubic(uMapA, uMapASize, pix, uViewSize), uMapAMinMax);
    if (uMode == 1) {
      outColor = mix(img, colormap(a), uOpacity);
    } else if (uMode == 2) {
      outColor = a >= uTau ? img : img * 0.25;
    } else {
      float b = normaliseMap(sampleMapBicubic(uMapB, uMapBSize, pix, uViewSize), uMapBMinMax);
      vec3 overlay = clamp(a * uCompareA + b * uCompareB, 0.0, 1.0);
      outColor = mix(img, overlay, max(a, b) * uOpacity);
    }
  }
  gl_FragColor = vec4(outColor, 1.0);
}
