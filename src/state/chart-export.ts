/**
 * The "Attention over steps" chart's colours and its exports: a standalone SVG file (the drawing
 * on screen with its styles inlined, so it opens the same anywhere) and file names in the same
 * pattern as the other exports (prompt words, seed).
 */
import type { GenerationRecord } from '../core/record.ts';
import { downloadBytes } from '../export/download.ts';

/** A colour word's line is drawn in that colour (a "blue" line in yellow would mislead). */
const NAMED: Record<string, string> = {
  red: '#e5534b',
  green: '#3fb950',
  blue: '#539bf5',
  yellow: '#e3c341',
  purple: '#b083f0',
  orange: '#f0883e',
};
/** Other words: greys and tints away from the six scene colours, in prompt order. */
const OTHERS = ['#e6edf3', '#8ddbe0', '#f4a3c8', '#9aa4b2', '#c9d1a3', '#7d8590'];

export function seriesColour(word: string, index: number): string {
  return NAMED[word] ?? OTHERS[index % OTHERS.length] ?? '#9aa4b2';
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
