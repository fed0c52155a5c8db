/**
 * Node SvgRasterizer for the CLI's PNG posters: resvg (@resvg/resvg-js, a Rust SVG renderer with
 * prebuilt binaries) draws the poster's SVG with the system's fonts, so the CLI's PNG has the same
 * vector text as its SVG and as the app's PNG (which the browser rasterises).
 */
import type { SvgRasterizer } from '../export/figure.ts';
import { encodePng } from '../export/png.ts';

export const rasterizeSvgInNode: SvgRasterizer = async (svg, width) => {
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  });
  const image = resvg.render();
  // Our own encoder, as the browser's rasteriser: the same PNG layout from both.
  return encodePng(new Uint8Array(image.pixels), image.width, image.height);
};
