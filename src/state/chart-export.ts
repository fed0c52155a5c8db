/**
 * The "Attention over steps" chart's colours and its exports: a standalone SVG file (the drawing
 * on screen with its styles inlined, so it opens the same anywhere) and file names in the same
 * pattern as the other exports (prompt words, seed).
 */
import type { GenerationRecord } from '../attention/record.ts';
import { downloadBytes } from '../export/download.ts';

/**
 * Line colours, one per content word in prompt order: a categorical palette (Okabe–Ito, readable
 * with the common colour-vision deficiencies) on the dark panel.
 */
const PALETTE = ['#e69f00', '#56b4e9', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2'];

export function seriesColour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#999999';
}

export function chartFileName(record: GenerationRecord, ext: 'svg' | 'csv'): string {
  const words = record.words
    .map((w) => w.word.replace(/[^a-z0-9]+/gi, ''))
    .filter(Boolean)
    .slice(0, 6)
    .join('-');
  return `wordlight-${words || 'image'}-s${record.settings.seed}-attention-over-steps.${ext}`;
}

/** Attributes that scoped CSS sets on the chart's text, inlined for the standalone file. */
const TEXT_STYLE = { 'font-size': '10px', fill: '#8a94a3', 'font-family': 'sans-serif' };

/** A standalone SVG document of `svg`: namespaces, size, text styles inlined, no app classes. */
export function standaloneSvg(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const [, , w, h] = (copy.getAttribute('viewBox') ?? '0 0 560 150').split(' ');
  copy.setAttribute('width', w ?? '560');
  copy.setAttribute('height', h ?? '150');
  for (const el of copy.querySelectorAll('*')) {
    el.removeAttribute('class');
    if (el.tagName.toLowerCase() === 'text') {
      for (const [k, v] of Object.entries(TEXT_STYLE)) el.setAttribute(k, v);
    }
  }
  copy.removeAttribute('class');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

export function downloadText(text: string, fileName: string, mime: string): void {
  downloadBytes(new TextEncoder().encode(text), fileName, mime);
}
