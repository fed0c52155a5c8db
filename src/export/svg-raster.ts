/**
 * Browser SVG rasterisers: the figure's SVG drawn by the browser itself (an <img> of the SVG onto
 * a canvas), so the PNG poster has the same vector text as the SVG, at 1 px per SVG unit; and the
 * same as raw pixels for the Compare key strip under exported frames (compare-key.ts).
 * Browser only (DOM); loaded on demand so Node never touches it. The CSP allows blob: images.
 */
import { encodePng } from './png.ts';

/** The SVG drawn on a white width × height canvas, as RGBA. */
export async function svgPixelsInBrowser(
  svg: string,
  width: number,
  height: number,
): Promise<Uint8ClampedArray> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image(width, height);
    img.decoding = 'async';
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas to draw the figure on');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.drawImage(img, 0, 0, width, height);
    return ctx.getImageData(0, 0, width, height).data;
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function rasterizeSvgInBrowser(
  svg: string,
  width: number,
  height: number,
): Promise<Uint8Array> {
  // Our own encoder, as every other PNG export: deterministic bytes, no canvas colour management.
  return encodePng(await svgPixelsInBrowser(svg, width, height), width, height);
}
