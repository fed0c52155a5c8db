/**
 * The eval's attention-control section (issue 10): what prompt-to-prompt's controls really do in
 * this model, through the real engine and the package's control inputs.
 *  - Reweighting: the first object's colour word at ×0, ×0.5, ×1, ×2, ×3 → that colour's pixel
 *    count relative to ×1 (pooled over samples) and adherence (every named object right).
 *  - Shape word swap (triangle → square, equal length, every token's maps injected) at injection
 *    0 … 1 → IoU of the edited object's mask with the source object's mask, and how often the edited
 *    object really is a square (prompt-to-prompt's claim: the source silhouette persists as
 *    injection grows).
 *  - Colour swap (X → another colour) with injection 0 and 1 → did the colour change, and the IoU
 *    of the new colour's mask with the source object's mask.
 * Prompts come from eval/prompts.json; seeds are base + the prompt's index, as in the main eval.
 */
import type { GenerationRecord, GenerationSettings } from '../../core/record.ts';
import type { Generator } from '../../model/generator.ts';
import { inspectScene, type ExpectedObject } from './checker.ts';
import { fromModelRange, type Mask } from './image.ts';
import type { EvalPrompt } from './prompts.ts';
import { caption } from './prompts.ts';
import { COLOURS, type Colour } from './scene-vocab.ts';
import { labelPixels } from './segment.ts';

export const WEIGHTS = [0, 0.5, 1, 2, 3] as const;
export const INJECTIONS = [0, 0.25, 0.5, 0.75, 1] as const;

export interface ControlEvalOptions {
  steps: number;
  guidance: number;
  seedSets: number[];
  /** Prompts per experiment (reweighting: this many; swaps: this many, halved). */
  prompts: number;
  log: (msg: string) => void;
}

function maskIoU(a: Mask | undefined, b: Mask | undefined): number {
  if (!a || !b) return 0;
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (a.data[i] && b.data[i]) inter++;
    if (a.data[i] || b.data[i]) union++;
  }
  return union > 0 ? inter / union : 0;
}

function scene(r: GenerationRecord, objects: readonly ExpectedObject[]) {
  const { width, height, range } = r.image;
  const img = fromModelRange(r.final!, width, height, range);
  return { img, ...inspectScene(img, objects) };
}

function colourPixels(r: GenerationRecord, colour: Colour): number {
  const { width, height, range } = r.image;
  const labels = labelPixels(fromModelRange(r.final!, width, height, range));
  const c = COLOURS.indexOf(colour);
  let n = 0;
  for (const l of labels) if (l === c) n++;
  return n;
}

const mean = (xs: number[]): number =>
  xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
const r4 = (x: number): number => Math.round(x * 1e4) / 1e4;

export interface ReweightRow {
  weight: number;
  /** Σ colour pixels at this weight / Σ at ×1, over all samples. */
  colourShare: number;
  /** Median over samples of the per-sample ratio (samples with colour at ×1 only). */
  colourShareMedian: number;
  adherence: number;
  n: number;
}

export interface SwapRow {
  inject: number;
  /** Mean IoU of the edited object's mask with the source object's mask (0 where one is missing). */
  iou: number;
  /** The same over the samples where both objects were found. */
  iouFound: number;
  /** Share of samples whose edited object has the target shape (swap) or colour (colour swap). */
  changed: number;
  n: number;
}

export interface ControlEvalResult {
  reweight: { rows: ReweightRow[]; prompts: string[] };
  shapeSwap: { from: string; to: string; rows: SwapRow[]; prompts: string[] };
  colourSwap: { rows: SwapRow[]; prompts: string[] };
  generations: number;
  wallSeconds: number;
}

function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export async function runControlEval(
  gen: Generator,
  all: readonly EvalPrompt[],
  o: ControlEvalOptions,
): Promise<ControlEvalResult> {
  const t0 = performance.now();
  let generations = 0;
  const run = async (s: GenerationSettings, source?: GenerationRecord) => {
    generations++;
    return gen.generate(s, source ? { source } : {});
  };
  const settings = (p: EvalPrompt, base: number): GenerationSettings => ({
    prompt: p.prompt,
    seed: base + all.indexOf(p),
    steps: o.steps,
    guidance: o.guidance,
  });

  // Reweighting: half single-object, half two-object prompts.
  const half = Math.ceil(o.prompts / 2);
  const rw = [
    ...all.filter((p) => p.objects.length === 1).slice(0, half),
    ...all.filter((p) => p.objects.length === 2).slice(0, o.prompts - half),
  ];
  const pix = new Map<number, number[]>(WEIGHTS.map((w) => [w, []]));
  const ok = new Map<number, number[]>(WEIGHTS.map((w) => [w, []]));
  for (const base of o.seedSets) {
    for (const p of rw) {
      const colour = p.objects[0]!.colour;
      for (const w of WEIGHTS) {
        const rec = await run({ ...settings(p, base), weights: { [colour]: w } });
        pix.get(w)!.push(colourPixels(rec, colour));
        ok.get(w)!.push(scene(rec, p.objects).checks.every((c) => c.ok) ? 1 : 0);
      }
    }
    o.log(`control: reweighting, seed set ${base} done (${generations} generations)`);
  }
  const at1 = pix.get(1)!;
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const reweight = WEIGHTS.map((w) => {
    const px = pix.get(w)!;
    return {
      weight: w,
      colourShare: r4(sum(px) / sum(at1)),
      colourShareMedian: r4(median(px.map((v, i) => ((at1[i] ?? 0) > 0 ? v / at1[i]! : NaN)))),
      adherence: r4(mean(ok.get(w)!)),
      n: px.length,
    };
  });

  // Swaps: prompts whose first object is a triangle (shape swap) / any (colour swap).
  const nSwap = Math.max(1, Math.ceil(o.prompts / 2));
  const tri = all.filter((p) => p.objects[0]!.shape === 'triangle').slice(0, nSwap);
  const shape = await swapExperiment(tri, INJECTIONS, (obj) => ({ ...obj, shape: 'square' }));
  o.log(`control: shape swap done (${generations} generations)`);
  const col = all.slice(0, nSwap);
  const colour = await swapExperiment(col, [0, 1], (obj, others) => ({
    ...obj,
    colour: COLOURS.find((c) => c !== obj.colour && !others.includes(c))!,
  }));
  o.log(`control: colour swap done (${generations} generations)`);

  async function swapExperiment(
    prompts: EvalPrompt[],
    injections: readonly number[],
    change: (o: ExpectedObject, otherColours: Colour[]) => ExpectedObject,
  ): Promise<SwapRow[]> {
    const iou = new Map<number, number[]>(injections.map((f) => [f, []]));
    const iouFound = new Map<number, number[]>(injections.map((f) => [f, []]));
    const changed = new Map<number, number[]>(injections.map((f) => [f, []]));
    for (const base of o.seedSets) {
      for (const p of prompts) {
        const src = settings(p, base);
        const source = await run(src);
        const srcMask = scene(source, p.objects).checks[0]?.found?.mask;
        const first = change(
          p.objects[0]!,
          p.objects.slice(1).map((x) => x.colour),
        );
        const objects = [first, ...p.objects.slice(1)];
        for (const f of injections) {
          const edit = await run(
            {
              ...src,
              prompt: caption(objects),
              edit: { source: { prompt: src.prompt, seed: src.seed }, inject: f },
            },
            source,
          );
          const found = scene(edit, objects).checks[0]?.found;
          iou.get(f)!.push(maskIoU(found?.mask, srcMask));
          if (found && srcMask) iouFound.get(f)!.push(maskIoU(found.mask, srcMask));
          const same =
            found !== null &&
            found !== undefined &&
            (first.shape === p.objects[0]!.shape || found.shape === first.shape);
          changed.get(f)!.push(same ? 1 : 0);
        }
      }
    }
    return injections.map((f) => ({
      inject: f,
      iou: r4(mean(iou.get(f)!)),
      iouFound: r4(mean(iouFound.get(f)!)),
      changed: r4(mean(changed.get(f)!)),
      n: iou.get(f)!.length,
    }));
  }

  return {
    reweight: { rows: reweight, prompts: rw.map((p) => p.prompt) },
    shapeSwap: { from: 'triangle', to: 'square', rows: shape, prompts: tri.map((p) => p.prompt) },
    colourSwap: { rows: colour, prompts: col.map((p) => p.prompt) },
    generations,
    wallSeconds: (performance.now() - t0) / 1000,
  };
}

export function formatControl(r: ControlEvalResult): string {
  const lines = [
    "Reweighting the first object's colour word (pixels of that colour relative to ×1; adherence)",
    '  weight   colour share (pooled)   median per sample   adherence   n',
    ...r.reweight.rows.map(
      (x) =>
        `  ×${String(x.weight).padEnd(6)} ${x.colourShare.toFixed(3).padStart(10)}             ${x.colourShareMedian.toFixed(3).padStart(8)}        ${x.adherence.toFixed(3).padStart(6)}   ${x.n}`,
    ),
    '',
    `Shape word swap ${r.shapeSwap.from} → ${r.shapeSwap.to} (every token's maps injected in the first F of the steps)`,
    '  injection   mask IoU with source (all / both found)   edited object is a square   n',
    ...r.shapeSwap.rows.map(
      (x) =>
        `  ${x.inject.toFixed(2).padEnd(10)} ${x.iou.toFixed(3).padStart(12)} / ${x.iouFound.toFixed(3)}              ${x.changed.toFixed(3).padStart(12)}           ${x.n}`,
    ),
    '',
    "Colour swap (first object's colour → another), injection 0 and 1",
    '  injection   mask IoU with source (all / both found)   new colour found   n',
    ...r.colourSwap.rows.map(
      (x) =>
        `  ${x.inject.toFixed(2).padEnd(10)} ${x.iou.toFixed(3).padStart(12)} / ${x.iouFound.toFixed(3)}              ${x.changed.toFixed(3).padStart(8)}        ${x.n}`,
    ),
  ];
  return lines.join('\n');
}
