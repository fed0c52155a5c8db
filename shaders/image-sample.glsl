// image-sample.glsl — the generated image, from model range to display RGB, upsampled.
//
// uImage holds the image as an RGBA32F texture of W×H texels in the model's value range
// (manifest image.range, e.g. [-1, 1]); channels beyond C are unused (C = 1 is replicated on upload).
// Each texel is first mapped to display RGB:  rgb = clamp((v − lo) / (hi − lo), 0, 1).
// Then it is upsampled to the S_x×S_y view with half-pixel centres, clamp-to-edge:
//   u = (x + 0.5) / S_x · W − 0.5   (likewise v for rows)
//   pixelated (uSmooth = false): nearest texel  round(u)  = floor((x + 0.5) / S_x · W)
//   smooth    (uSmooth = true):  bilinear between floor(u) and floor(u) + 1, weight fract(u)
// Texels are read with texelFetch (no hardware filtering), so the math is exactly that of
// src/render/cpu-renderer.ts. `pix` is the output pixel index with row 0 at the TOP.

uniform sampler2D uImage;
uniform vec2 uImageSize;   // (W, H)
uniform vec2 uImageRange;  // (lo, hi)
uniform bool uSmooth;

vec3 imageTexel(ivec2 p) {
  ivec2 hi = ivec2(uImageSize) - 1;
  vec3 v = texelFetch(uImage, clamp(p, ivec2(0), hi), 0).rgb;
  return clamp((v - uImageRange.x) / (uImageRange.y - uImageRange.x), 0.0, 1.0);
}

vec3 sampleImage(vec2 pix, vec2 view) {
  vec2 u = (pix + 0.5) / view * uImageSize - 0.5;
  if (!uSmooth) return imageTexel(ivec2(floor(u + 0.5)));
  vec2 i0 = floor(u);
  vec2 f = u - i0;
  ivec2 p = ivec2(i0);
  vec3 top = mix(imageTexel(p), imageTexel(p + ivec2(1, 0)), f.x);
  vec3 bottom = mix(imageTexel(p + ivec2(0, 1)), imageTexel(p + ivec2(1, 1)), f.x);
  return mix(top, bottom, f.y);
}
