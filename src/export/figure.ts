/**
 * A figure for a paper, described once and written two ways: as SVG (vector text, raster cells as
 * embedded PNG data URIs) and as PNG (that same SVG rasterised: canvas in the browser, resvg in the
 * CLI), so the two files cannot drift apart. Posters of a generation (poster.ts) and of an edit
 * (edit-poster.ts) build a Figure; nothing here knows about words or steps.
 */
export interface FigureText {
  x: number;
  /** Baseline. */
  y: number;
  text: string;
  size: number;
  anchor?: 'start' | 'middle' | 'end';
  bold?: boolean;
  italic?: boolean;
  fill?: string;
}

export interface FigureImage {
  x: number;
  y: number;
  width: number;
  height: number;
  /** The cell as a PNG file (encoded when the cell is drawn, so big posters hold no raw RGBA). */
  png: Uint8Array;
  /** What the cell shows, for the SVG's <title> (screen readers, hover in a viewer). */
  title: string;
}

/** A horizontal colour bar: `stops` are CSS colours from left (0) to right (1). */
export interface FigureBar {
  x: number;
  y: number;
  width: number;
  height: number;
  stops: string[];
}

/** A filled rectangle (a key's colour swatch); `fill` a CSS hex colour. */
export interface FigureRect {
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
}

export interface Figure {
  width: number;
  height: number;
  /** The SVG's <title> and <desc>. */
  title: string;
  description: string;
  texts: FigureText[];
  images: FigureImage[];
  bars: FigureBar[];
  /** Thin lines (tick marks, a τ marker): [x1, y1, x2, y2]. */
  lines: [number, number, number, number][];
  /** Swatches (the Compare key). */
  rects?: FigureRect[];
}

export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Rough advance width of `text` at `size` px in a sans-serif face (for layout, not drawing). */
export function textWidth(text: string, size: number): number {
  return Math.ceil(text.length * size * 0.6);
}

/** Greedy word wrap of `text` to lines no wider than `width` at `size` px. */
export function wrapText(text: string, size: number, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    if (line && textWidth(next, size) > width) {
      lines.push(line);
      line = w;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** XML-escapes text and attribute values (prompts are user text). */
export function xmlEscape(s: string): string {
  return (
    s
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // XML 1.0 forbids most control characters, even escaped: drop them.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

export function base64(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return btoa(s);
}

const n = (v: number): string => String(Math.round(v * 100) / 100);

function textSvg(t: FigureText): string {
  const attrs = [
    `x="${n(t.x)}"`,
    `y="${n(t.y)}"`,
    `font-size="${n(t.size)}"`,
    t.anchor && t.anchor !== 'start' ? `text-anchor="${t.anchor}"` : '',
    t.bold ? 'font-weight="bold"' : '',
    t.italic ? 'font-style="italic"' : '',
    t.fill ? `fill="${t.fill}"` : '',
  ].filter(Boolean);
  return `<text ${attrs.join(' ')}>${xmlEscape(t.text)}</text>`;
}

/** The figure as a standalone SVG 1.1 document (UTF-8 text). */
export function figureSvg(fig: Figure): string {
  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${fig.width}" height="${fig.height}" viewBox="0 0 ${fig.width} ${fig.height}" role="img">`,
    `<title>${xmlEscape(fig.title)}</title>`,
    `<desc>${xmlEscape(fig.description)}</desc>`,
    '<defs>',
  ];
  fig.bars.forEach((bar, i) => {
    out.push(`<linearGradient id="bar${i}" x1="0" y1="0" x2="1" y2="0">`);
    const last = Math.max(1, bar.stops.length - 1);
    bar.stops.forEach((c, k) => out.push(`<stop offset="${n(k / last)}" stop-color="${c}"/>`));
    out.push('</linearGradient>');
  });
  out.push('</defs>');
  out.push(`<rect width="${fig.width}" height="${fig.height}" fill="#ffffff"/>`);
  for (const im of fig.images) {
    out.push(
      `<image x="${n(im.x)}" y="${n(im.y)}" width="${im.width}" height="${im.height}" preserveAspectRatio="none" xlink:href="data:image/png;base64,${base64(im.png)}"><title>${xmlEscape(im.title)}</title></image>`,
    );
  }
  fig.bars.forEach((bar, i) => {
    out.push(
      `<rect x="${n(bar.x)}" y="${n(bar.y)}" width="${n(bar.width)}" height="${n(bar.height)}" fill="url(#bar${i})" stroke="#444444" stroke-width="1"/>`,
    );
  });
  for (const r of fig.rects ?? []) {
    out.push(
      `<rect x="${n(r.x)}" y="${n(r.y)}" width="${n(r.width)}" height="${n(r.height)}" fill="${r.fill}"/>`,
    );
  }
  if (fig.lines.length) {
    out.push('<g stroke="#222222" stroke-width="1.5">');
    for (const [x1, y1, x2, y2] of fig.lines)
      out.push(`<line x1="${n(x1)}" y1="${n(y1)}" x2="${n(x2)}" y2="${n(y2)}"/>`);
    out.push('</g>');
  }
  out.push(`<g font-family="${FONT_FAMILY}" fill="#141414">`);
  for (const t of fig.texts) out.push(textSvg(t));
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

/** SVG text → PNG bytes of `width`×`height` pixels (canvas in the browser, resvg in Node). */
export type SvgRasterizer = (svg: string, width: number, height: number) => Promise<Uint8Array>;
