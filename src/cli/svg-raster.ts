/**
 * Node SVG rasterisers for the CLI: resvg (@resvg/resvg-js, a Rust SVG renderer with prebuilt
 * binaries) draws a figure's SVG with the system's fonts, so the CLI's PNG poster has the same
 * vector text as its SVG and as the app's PNG (which the browser rasterises), and the Compare key
 * strip under exported frames is drawn as the app draws it.
 */
import type { SvgRasterizer } from '../export/figure.ts';
import type { SvgPixels } from '../export/compare-key.ts';
import { encodePng } from '../export/png.ts';

async function render(svg: string, width: number) {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render();
}

export const rasterizeSvgInNode: SvgRasterizer = async (svg, width) => {
  const image = await render(svg, width);
  // Our own encoder, as the browser's rasteriser: the same PNG layout from both.
  return encodePng(new Uint8Array(image.pixels), image.width, image.height);
};

export const svgPixelsInNode: SvgPixels = async (svg, width, height) => {
  const image = await render(svg, width);
  if (image.width !== width || image.height !== height)
    throw new Error(`key strip drawn ${image.width}×${image.height}, wanted ${width}×${height}`);
  return new Uint8ClampedArray(image.pixels);
};
