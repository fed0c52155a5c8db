/**
 * Verdicts and word-map scores for world v2's prompt set (training/checker_v2.py `check`, training/eval_v2.py `word_rows`,
 * `summarise`), on top of the checker in world-v2.ts.
 */
import { wordMaps } from '../../attention/word-maps.ts';
import type { GenerationRecord } from '../../core/record.ts';
import { fromModelRange, type Mask, type RgbImage } from '../../scoring/image.ts';
import { heatmapIoU } from '../../scoring/iou.ts';
import { findObjects, type Found, type V2Scene, type WorldSpec } from './world-v2.ts';

export interface V2Prompt {
  category: string;
  caption: string;
  heldOut: boolean;
  scene: V2Scene;
}

export interface V2Verdict {
  allRight: boolean;
  relation: boolean | null;
  background: boolean;
  matched: (Found | null)[];
  found: Found[];
}

const RELATION_HEADS = new Set(['above', 'below', 'left', 'right']);

function expectedCentre(scene: V2Scene, o: number, world: WorldSpec): [number, number] | null {
  const pos = scene.objects[o]?.position;
  if (scene.form === 'relation' || !pos) return null;
  return (scene.form === 'triple' ? world.tripleCentres : world.centres)[pos] ?? null;
}

function inPlace(scene: V2Scene, o: number, f: Found, world: WorldSpec): boolean {
  const pos = scene.objects[o]?.position ?? '';
  if (scene.form === 'pair')
    return { left: f.cx < 16, right: f.cx > 16, top: f.cy < 16, bottom: f.cy > 16 }[pos] ?? false;
  const centres = scene.form === 'triple' ? world.tripleCentres : world.centres;
  const names =
    scene.form === 'triple'
      ? scene.objects.map((d) => d.position ?? '')
      : Object.keys(world.centres);
  let best = '';
  let bestD = Infinity;
  for (const p of names) {
    const c = centres[p];
    if (!c) continue;
    const d = (f.cx - c[0]) ** 2 + (f.cy - c[1]) ** 2;
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best === pos;
}

export function checkV2(img: RgbImage, scene: V2Scene, world: WorldSpec): V2Verdict {
  const { found, bg } = findObjects(img, world);
  const used = new Set<number>();
  const matched = scene.objects.map((d, o) => {
    const cands = found
      .map((_, i) => i)
      .filter((i) => found[i]!.colour === d.colour && !used.has(i));
    if (cands.length === 0) return null;
    const c = expectedCentre(scene, o, world);
    const key = (i: number): number =>
      c
        ? (found[i]!.cx - c[0]) ** 2 + (found[i]!.cy - c[1]) ** 2
        : (found[i]!.shape !== d.shape ? 1e6 : 0) - found[i]!.n;
    const best = cands.reduce((a, b) => (key(b) < key(a) ? b : a));
    used.add(best);
    return found[best]!;
  });
  const dark = (bg[0]! + bg[1]! + bg[2]!) / 3 < 0.5;
  const background = dark === (scene.background === 'dark');
  const shapesOk = matched.every((f, o) => f !== null && f.shape === scene.objects[o]?.shape);
  if (scene.form === 'relation') {
    const [a, b] = matched;
    let ok = shapesOk && !!a && !!b;
    if (ok && a && b) {
      const vertical = scene.relation === 'above' || scene.relation === 'below';
      const firstSmaller = scene.relation === 'above' || scene.relation === 'left';
      const [pa, pb] = vertical ? [a.cy, b.cy] : [a.cx, b.cx];
      ok = (firstSmaller ? pb - pa : pa - pb) >= 2;
    }
    return { allRight: ok && background, relation: ok, background, matched, found };
  }
  const placeOk = matched.every((f, o) => f !== null && inPlace(scene, o, f, world));
  let sizeOk = true;
  const sizes = scene.objects.map((d) => (d.size_word ? d.size : null));
  if (
    matched.length === 2 &&
    sizes[0] &&
    sizes[1] &&
    sizes[0] !== sizes[1] &&
    matched[0] &&
    matched[1]
  ) {
    const big = sizes[0] === 'big' ? 0 : 1;
    sizeOk = matched[big]!.n > matched[1 - big]!.n;
  }
  return {
    allRight: shapesOk && placeOk && sizeOk && background,
    relation: null,
    background,
    matched,
    found,
  };
}

/** Caption words with their kind and object (training/scenes_v2.py `caption_words`). */
export function captionWords(
  scene: V2Scene,
  world: WorldSpec,
): { word: string; kind: string; tag: number | 'bg' | null }[] {
  const colours = new Set(Object.keys(world.palette));
  const shapes = new Set(world.shapes);
  const out: { word: string; kind: string; tag: number | 'bg' | null }[] = [];
  const relPhrase: Record<string, string> = {
    above: 'above',
    below: 'below',
    left: 'to the left of',
    right: 'to the right of',
  };
  const posPhrase: Record<string, string> = {
    left: 'on the left',
    right: 'on the right',
    top: 'at the top',
    bottom: 'at the bottom',
    center: 'in the center',
  };
  scene.objects.forEach((d, o) => {
    if ((scene.form === 'triple' && o === 2) || (scene.form === 'pair' && o > 0))
      out.push({ word: 'and', kind: 'function', tag: null });
    if (scene.form === 'relation' && o === 1)
      for (const w of (relPhrase[scene.relation ?? ''] ?? '').split(' '))
        out.push({ word: w, kind: RELATION_HEADS.has(w) ? 'relation' : 'function', tag: null });
    const sw = d.size_word && d.size ? d.size : null;
    const first = sw ?? d.colour;
    out.push({ word: /^[aeiou]/.test(first) ? 'an' : 'a', kind: 'article', tag: o });
    if (sw) out.push({ word: sw, kind: 'size', tag: o });
    out.push({ word: d.colour, kind: colours.has(d.colour) ? 'colour' : 'other', tag: o });
    out.push({ word: d.shape, kind: shapes.has(d.shape) ? 'shape' : 'other', tag: o });
    if (scene.form !== 'relation' && d.position)
      for (const w of (posPhrase[d.position] ?? '').split(' '))
        out.push({ word: w, kind: w === d.position ? 'position' : 'function', tag: o });
  });
  if (scene.bg_word)
    for (const [word, kind] of [
      ['on', 'function'],
      ['a', 'article'],
      [scene.background, 'background'],
      ['background', 'background'],
    ] as const)
      out.push({ word, kind, tag: 'bg' });
  return out;
}

/** The layout cell a position word names (training/render_v2.py `cell`). */
function cell(scene: V2Scene, pos: string, n: number): Mask {
  const data = new Uint8Array(n * n);
  const third = n / 3;
  const row = scene.objects[0]?.position === 'left';
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) {
      let v: boolean;
      if (scene.form === 'triple') {
        const c = row ? x : y;
        v =
          {
            left: x < third,
            right: x >= 2 * third,
            top: y < third,
            bottom: y >= 2 * third,
            center: c >= third && c < 2 * third,
          }[pos] ?? false;
      } else {
        v =
          {
            left: x < n / 2,
            right: x >= n / 2,
            top: y < n / 2,
            bottom: y >= n / 2,
            center: Math.abs(x - 15.5) < 8 && Math.abs(y - 15.5) < 8,
          }[pos] ?? false;
      }
      data[y * n + x] = v ? 1 : 0;
    }
  return { width: n, height: n, data };
}

const union = (a: Mask, b: Mask): Mask => ({
  ...a,
  data: a.data.map((v, i) => v | (b.data[i] ?? 0)),
});

export interface V2Row {
  category: string;
  heldOut: boolean;
  allRight: boolean;
  relation: boolean | null;
  background: boolean;
  ious: [string, number][];
}

/** Checks one generated record of a v2 prompt and scores its word maps. */
export function scoreV2(record: GenerationRecord, p: V2Prompt, world: WorldSpec): V2Row {
  const { width, height, range } = record.image;
  if (!record.final) throw new Error(`generation of "${p.caption}" returned no final image`);
  const v = checkV2(fromModelRange(record.final, width, height, range), p.scene, world);
  const words = captionWords(p.scene, world).slice(0, record.words.length);
  const scored = words
    .map((w, i) => ({ ...w, i }))
    .filter((w) => !['function', 'article', 'other'].includes(w.kind));
  const maps =
    scored.length === 0
      ? []
      : wordMaps(record, {
          tokenPositions: scored.map((w) => record.words[w.i]!.tokenPosition),
          steps: { kind: 'all' },
          resolution: [height, width],
          normalize: 'minmax',
        }).maps;
  const anyObj = v.found.reduce<Mask>((m, f) => union(m, f.mask), {
    width,
    height,
    data: new Uint8Array(width * height),
  });
  const bgMask: Mask = { ...anyObj, data: anyObj.data.map((x) => 1 - x) };
  const ious: [string, number][] = [];
  scored.forEach((w, k) => {
    const map = maps[k]?.data;
    if (!map) return;
    const obj = typeof w.tag === 'number' ? v.matched[w.tag] : null;
    if (['colour', 'shape', 'size'].includes(w.kind) && obj)
      ious.push([w.kind, heatmapIoU(map, obj.mask, world.tau)]);
    if (w.kind === 'position') {
      if (obj) ious.push(['position', heatmapIoU(map, obj.mask, world.tau)]);
      ious.push(['position_region', heatmapIoU(map, cell(p.scene, w.word, width), world.tau)]);
    }
    if (w.kind === 'relation' && v.matched[0] && v.matched[1])
      ious.push([
        'relation',
        heatmapIoU(map, union(v.matched[0].mask, v.matched[1].mask), world.tau),
      ]);
    if (w.kind === 'background') ious.push(['background', heatmapIoU(map, bgMask, world.tau)]);
  });
  return {
    category: p.category,
    heldOut: p.heldOut,
    allRight: v.allRight,
    relation: v.relation,
    background: v.background,
    ious,
  };
}

export const V2_KINDS = [
  'colour',
  'shape',
  'size',
  'position',
  'position_region',
  'relation',
  'background',
] as const;

/** Figures of one seed set (training/eval_v2.py `summarise`). */
export function summariseV2(rows: V2Row[], categories: string[]): Record<string, number | null> {
  const frac = (xs: boolean[]): number | null =>
    xs.length ? xs.filter(Boolean).length / xs.length : null;
  const mean = (xs: number[]): number | null =>
    xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  const out: Record<string, number | null> = {};
  for (const c of categories)
    out[c] = frac(rows.filter((r) => r.category === c).map((r) => r.allRight));
  out.relation = frac(rows.flatMap((r) => (r.relation === null ? [] : [r.relation])));
  out.background = frac(rows.map((r) => r.background));
  out.heldOut = frac(rows.filter((r) => r.heldOut).map((r) => r.allRight));
  for (const k of V2_KINDS)
    out[`miou_${k}`] = mean(
      rows.flatMap((r) => r.ious.filter(([kk]) => kk === k).map(([, v]) => v)),
    );
  return out;
}
