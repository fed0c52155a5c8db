/**
 * The overlay renderer's textures: float data textures pooled by slot and size (each owns its
 * buffer, so a hover or a scrub rewrites floats in place and flags an upload, allocating nothing)
 * and one RGBA lookup texture per colormap. Filtering is nearest: the shaders read texels with
 * texelFetch and do their own interpolation.
 */
import {
  DataTexture,
  FloatType,
  NearestFilter,
  RedFormat,
  RGBAFormat,
  UnsignedByteType,
} from 'three';
import type { ColormapName } from '../core/overlay-types.ts';
import { colormapLutRgba } from './colormaps.ts';

function dataTexture(
  data: Float32Array | Uint8Array,
  width: number,
  height: number,
  red: boolean,
): DataTexture {
  const texture = new DataTexture(
    data,
    width,
    height,
    red ? RedFormat : RGBAFormat,
    data instanceof Float32Array ? FloatType : UnsignedByteType,
  );
  // texelFetch ignores filtering, but float textures must not ask for linear filtering anyway.
  texture.minFilter = NearestFilter;
  texture.magFilter = NearestFilter;
  texture.generateMipmaps = false;
  texture.flipY = false;
  texture.needsUpdate = true;
  return texture;
}

export class TexturePool {
  /** Textures by "slot:w×h". */
  readonly #pool = new Map<string, DataTexture>();
  readonly #luts = new Map<ColormapName, DataTexture>();

  /** The float texture of `slot` at this size (R for maps, RGBA for images), created once. */
  texture(slot: string, width: number, height: number, red: boolean): DataTexture {
    const key = `${slot}:${width}x${height}`;
    let texture = this.#pool.get(key);
    if (!texture) {
      const data = new Float32Array(width * height * (red ? 1 : 4));
      texture = dataTexture(data, width, height, red);
      this.#pool.set(key, texture);
    }
    return texture;
  }

  /** The 256×1 RGBA lookup texture of a colormap, created once. */
  lut(name: ColormapName): DataTexture {
    let texture = this.#luts.get(name);
    if (!texture) {
      texture = dataTexture(colormapLutRgba(name), 256, 1, false);
      this.#luts.set(name, texture);
    }
    return texture;
  }

  dispose(): void {
    for (const t of this.#pool.values()) t.dispose();
    for (const t of this.#luts.values()) t.dispose();
  }
}
