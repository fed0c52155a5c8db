/**
 * The checker of world v2's harder prompt set (`eval/prompts-v2.json`, written by
 * training/checker_v2.py, which defines the same checker in Python): every component of a palette colour
 * is an object (same-colour scenes have two); its shape is the nearest of the world's shapes rendered
 * at the same area and centroid; each caption object takes the found object of its colour nearest to
 * where the caption puts it. Verdicts per prompt: fully right, relation right, background right.
 */
import type { Mask, RgbImage } from '../../scoring/image.ts';

export interface WorldSpec {
  size: number;
  palette: Record<string, [number, number, number]>;
  shapes: string[];
  /** Shape → [area / r², centroid y offset / r], measured in training on a render. */
  geometry: Record<string, [number, number]>;
  centres: Record<string, [number, number]>;
  tripleCentres: Record<string, [number, number]>;
  minPixels: number;
  tau: number;
}

export interface V2Object {
  colour: string;
  shape: string;
  size: string | null;
  size_word: boolean;
  position: string | null;
}

export interface V2Scene {
  form: 'single' | 'pair' | 'triple' | 'relation';
  objects: V2Object[];
  relation: string | null;
  background: 'light' | 'dark';
  bg_word: boolean;
}

export interface Found {
  colour: string;
  shape: string;
  cx: number;
  cy: number;
  n: number;
  mask: Mask;
}

const SS = 4;

/** Whether a point (dx, dy from the centre, pixels) lies inside a shape of half-extent r
 * (training/render_v2.py `inside`). */
export function inside(shape: string, dx: number, dy: number, r: number): boolean {
  switch (shape) {
    case 'circle':
      return dx * dx + dy * dy <= r * r;
    case 'square':
      return Math.abs(dx) <= 0.88 * r && Math.abs(dy) <= 0.88 * r;
    case 'triangle': {
      const h = 1.1 * r;
      return dy <= h && Math.abs(dx) <= (dy + h) * 0.5;
    }
    case 'diamond':
      return Math.abs(dx) / r + Math.abs(dy) / (1.2 * r) <= 1;
    case 'ring': {
      const d2 = dx * dx + dy * dy;
      return d2 <= (1.05 * r) ** 2 && d2 >= (0.5 * r) ** 2;
    }
    case 'cross': {
      const a = 1.05 * r;
      const w = 0.36 * r;
      return (Math.abs(dx) <= w && Math.abs(dy) <= a) || (Math.abs(dy) <= w && Math.abs(dx) <= a);
    }
    case 'heart': {
      const s = r / 1.05;
      const u = dx / s;
      const v = -dy / s + 0.15;
      return (u * u + v * v - 1) ** 3 - u * u * v ** 3 <= 0;
    }
    case 'star': {
      const R = 1.3 * r;
      const rho = 0.5 * R;
      const yy = dy + 0.1 * r;
      const ang = Math.atan2(dx, -yy);
      const rad = Math.hypot(dx, yy);
      const seg = (2 * Math.PI) / 5;
      const m = (((ang % seg) + seg) % seg) - seg / 2;
      const phi = seg / 2 - Math.abs(m);
      const [x1, y1] = [R, 0];
      const [x2, y2] = [rho * Math.cos(seg / 2), rho * Math.sin(seg / 2)];
      const [px, py] = [rad * Math.cos(phi), rad * Math.sin(phi)];
      return (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) >= 0;
    }
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

/** Antialiased coverage (size²) of one shape centred at (cx, cy), 4×4 samples per pixel. */
export function coverage(
  shape: string,
  cx: number,
  cy: number,
  r: number,
  size: number,
): Float32Array {
  const out = new Float32Array(size * size);
  const reach = 1.5 * r + 1;
  for (
    let y = Math.max(0, Math.floor(cy - reach));
    y < Math.min(size, Math.ceil(cy + reach));
    y++
  ) {
    for (
      let x = Math.max(0, Math.floor(cx - reach));
      x < Math.min(size, Math.ceil(cx + reach));
      x++
    ) {
      let hits = 0;
      for (let j = 0; j < SS; j++)
        for (let i = 0; i < SS; i++)
          if (inside(shape, x + (i + 0.5) / SS - cx, y + (j + 0.5) / SS - cy, r)) hits++;
      out[y * size + x] = hits / (SS * SS);
    }
  }
  return out;
}

/** 8-connected components of a mask, largest first, as pixel index lists. */
export function components(mask: Uint8Array, w: number, h: number): number[][] {
  const seen = new Uint8Array(mask.length);
  const comps: number[][] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    const comp: number[] = [];
    const stack = [start];
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      comp.push(p);
      const [x, y] = [p % w, Math.floor(p / w)];
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const [nx, ny] = [x + dx, y + dy];
          const q = ny * w + nx;
          if (nx >= 0 && nx < w && ny >= 0 && ny < h && mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    comps.push(comp);
  }
  return comps.sort((a, b) => b.length - a.length);
}

const rgbAt = (img: RgbImage, i: number): [number, number, number] => {
  const n = img.width * img.height;
  return [img.data[i] ?? 0, img.data[n + i] ?? 0, img.data[2 * n + i] ?? 0];
};
const dot = (a: number[], b: number[]): number => a.reduce((s, v, k) => s + v * (b[k] ?? 0), 0);
const sub = (a: number[], b: number[]): number[] => a.map((v, k) => v - (b[k] ?? 0));

/** The border's median colour (the background). */
export function background(img: RgbImage): [number, number, number] {
  const { width: w, height: h } = img;
  const idx: number[] = [];
  for (let x = 0; x < w; x++) idx.push(x, (h - 1) * w + x);
  for (let y = 0; y < h; y++) idx.push(y * w, y * w + w - 1);
  const med = (c: number): number => {
    const v = idx.map((i) => rgbAt(img, i)[c] ?? 0).sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  };
  return [med(0), med(1), med(2)];
}

/** Every object of the image (training/checker_v2.py `find_objects`) and the background colour. */
export function findObjects(img: RgbImage, world: WorldSpec): { found: Found[]; bg: number[] } {
  const { width: w, height: h } = img;
  const bg = background(img);
  const names = Object.keys(world.palette);
  const dirs = names.map((c) => sub(world.palette[c]!, bg));
  const usable = dirs.map((d) => Math.sqrt(dot(d, d)) >= 0.25);
  const palSat = names.map(
    (c) => Math.max(...world.palette[c]!) - Math.min(...world.palette[c]!) >= 0.15,
  );
  const labels = new Int32Array(w * h).fill(-1);
  for (let i = 0; i < w * h; i++) {
    const rgb = rgbAt(img, i);
    const p = sub(rgb, bg);
    let best = -1;
    let bestRes = Infinity;
    let bestA = 0;
    dirs.forEach((d, k) => {
      if (!usable[k]) return;
      const a = Math.min(1, Math.max(0, dot(p, d) / dot(d, d)));
      const res = Math.hypot(...p.map((v, c) => v - a * (d[c] ?? 0)));
      if (res < bestRes) [best, bestRes, bestA] = [k, res, a];
    });
    const pixSat = Math.max(...rgb) - Math.min(...rgb) >= 0.15;
    if (best >= 0 && (pixSat || !palSat[best]) && bestRes <= 0.3 && bestA >= 0.5) labels[i] = best;
  }
  const found: Found[] = [];
  names.forEach((name, k) => {
    const own = labels.map((l) => (l === k ? 1 : 0));
    for (const comp of components(Uint8Array.from(own), w, h)) {
      if (comp.length < world.minPixels) break;
      const data = new Uint8Array(w * h);
      for (const p of comp) data[p] = 1;
      // soft coverage along background → colour, within one pixel of the component
      const grown = dilate(data, w, h);
      const d = dirs[k]!;
      const alpha = new Float32Array(w * h);
      for (let i = 0; i < w * h; i++)
        if (grown[i])
          alpha[i] = Math.min(1, Math.max(0, dot(sub(rgbAt(img, i), bg), d) / dot(d, d)));
      const cx = comp.reduce((s, p) => s + (p % w), 0) / comp.length + 0.5;
      const cy = comp.reduce((s, p) => s + Math.floor(p / w), 0) / comp.length + 0.5;
      found.push({
        colour: name,
        shape: classifyShape(alpha, world),
        cx,
        cy,
        n: comp.length,
        mask: { width: w, height: h, data },
      });
    }
  });
  return { found, bg };
}

function dilate(m: Uint8Array, w: number, h: number): Uint8Array {
  const out = Uint8Array.from(m);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (!m[y * w + x]) continue;
      if (x > 0) out[y * w + x - 1] = 1;
      if (x < w - 1) out[y * w + x + 1] = 1;
      if (y > 0) out[(y - 1) * w + x] = 1;
      if (y < h - 1) out[(y + 1) * w + x] = 1;
    }
  return out;
}

/** The nearest shape (L1 over coverage / area) rendered at the object's area and centroid. */
export function classifyShape(alpha: Float32Array, world: WorldSpec): string {
  const n = world.size;
  let A = 0;
  let sx = 0;
  let sy = 0;
  alpha.forEach((a, i) => {
    A += a;
    sx += a * ((i % n) + 0.5);
    sy += a * (Math.floor(i / n) + 0.5);
  });
  let best = world.shapes[0] ?? 'circle';
  let bestErr = Infinity;
  for (const shape of world.shapes) {
    const [area, dy] = world.geometry[shape] ?? [1, 0];
    const r = Math.sqrt(A / area);
    const tpl = coverage(shape, sx / A, sy / A - dy * r, r, n);
    let err = 0;
    for (let i = 0; i < tpl.length; i++) err += Math.abs((tpl[i] ?? 0) - (alpha[i] ?? 0));
    if (err < bestErr) [best, bestErr] = [shape, err];
  }
  return best;
}
