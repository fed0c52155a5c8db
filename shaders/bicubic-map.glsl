// bicubic-map.glsl — a low-resolution attention map, upsampled by bicubic Catmull-Rom, normalised.
//
// A map is an R32F texture of w×h texels (native 16×16 / 8×8, or a common resolution) holding raw
// attention values. For output pixel (x, y) of an S_x×S_y view:
//   u = (x + 0.5) / S_x · w − 0.5,  i = floor(u),  f = u − i   (likewise for rows)
//   value = Σ_{m,n ∈ −1..2} K(f − m) · K(g − n) · map[clamp(j + n)][clamp(i + m)]   (clamp-to-edge)
// with the Keys cubic kernel at a = −0.5 (Catmull-Rom):
//   K(t) = (a+2)|t|³ − (a+3)|t|² + 1          for |t| ≤ 1
//   K(t) = a|t|³ − 5a|t|² + 8a|t| − 4a        for 1 < |t| < 2
// Normalisation (uAbsolute = false, 'minmax'): (value − min) / (max − min) with the min and max of
// the LOW-RES map passed as uniforms (a flat map, max = min, gives 0); 'absolute': value as is.
// The result is clamped to [0, 1], which also removes the kernel's overshoot.

uniform bool uAbsolute;

float cubicWeight(float t) {
  const float a = -0.5;
  t = abs(t);
  if (t <= 1.0) return ((a + 2.0) * t - (a + 3.0)) * t * t + 1.0;
  if (t < 2.0) return ((a * t - 5.0 * a) * t + 8.0 * a) * t - 4.0 * a;
  return 0.0;
}

// The 4 kernel weights of one axis for fractional offset f: K(f + 1), K(f), K(f − 1), K(f − 2).
vec4 cubicWeights(float f) {
  return vec4(cubicWeight(f + 1.0), cubicWeight(f), cubicWeight(f - 1.0), cubicWeight(f - 2.0));
}

float sampleMapBicubic(sampler2D map, vec2 size, vec2 pix, vec2 view) {
  vec2 u = (pix + 0.5) / view * size - 0.5;
  vec2 i0 = floor(u);
  vec2 f = u - i0;
  // Weights once per axis (8 kernel evaluations, not 16): software rasterisers feel every ALU op.
  vec4 wx = cubicWeights(f.x);
  vec4 wy = cubicWeights(f.y);
  ivec2 hi = ivec2(size) - 1;
  ivec4 xs = clamp(ivec4(i0.x) + ivec4(-1, 0, 1, 2), ivec4(0), ivec4(hi.x));
  ivec4 ys = clamp(ivec4(i0.y) + ivec4(-1, 0, 1, 2), ivec4(0), ivec4(hi.y));
  float acc = 0.0;
  for (int n = 0; n < 4; n++) {
    vec4 row = vec4(
      texelFetch(map, ivec2(xs.x, ys[n]), 0).r,
      texelFetch(map, ivec2(xs.y, ys[n]), 0).r,
      texelFetch(map, ivec2(xs.z, ys[n]), 0).r,
      texelFetch(map, ivec2(xs.w, ys[n]), 0).r
    );
    acc += wy[n] * dot(wx, row);
  }
  return acc;
}

float normaliseMap(float value, vec2 minMax) {
  if (uAbsolute) return clamp(value, 0.0, 1.0);
  float span = minMax.y - minMax.x;
  if (span <= 0.0) return 0.0;
  return clamp((value - minMax.x) / span, 0.0, 1.0);
}
