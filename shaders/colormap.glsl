// colormap.glsl — a scalar in [0, 1] to RGB through a 256-entry lookup table.
//
// uColormap is a 256×1 RGBA8 texture holding one of src/render/colormaps.ts's LUTs (viridis,
// inferno, turbo, jet). The entry is the NEAREST one, index = round(v · 255), read with texelFetch
// so there is no filtering between entries — the same lookup as the CPU renderer.

uniform sampler2D uColormap;

vec3 colormap(float v) {
  int index = int(floor(clamp(v, 0.0, 1.0) * 255.0 + 0.5));
  return texelFetch(uColormap, ivec2(index, 0), 0).rgb;
}
