/**
 * The data export: one zip (fflate) of float32 .npy files that `numpy.load` reads as they are, and
 * an `index.json` describing every file (shape, dtype, meaning) plus the words, tokens, layers and
 * steps needed to interpret them.
 *
 *   image.npy                      [C, H, W]                 final image, model range
 *   x0.npy                         [steps, C, H, W]          predicted clean image at each step
 *   heatmaps/<pos>_<word>.npy      [steps, h, w]             the word's map at each step (DAAM
 *                                                           aggregation: clamp ≥ 0, mean over heads
 *                                                           and layers, common resolution), raw
 *   heatmaps/<pos>_<word>_all.npy  [h, w]                    summed over all steps, min–max to [0, 1]
 *   attention/<output>.npy         [steps, heads, h*w, T]    raw post-softmax cross-attention of one
 *                                                           layer, conditional half, rows y*w + x
 */
import { zipSync, strToU8, type Zippable } from 'fflate';
import { encodeNpy } from '../attention/npy.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { MapSource } from './map-source.ts';
import { checkpoint, type ExportControl } from './progress.ts';

export interface DataFileInfo {
  path: string;
  shape: number[];
  dtype: 'float32';
  meaning: string;
  /** For per-word files: the word and its token position. */
  word?: string;
  tokenPosition?: number;
  /** For attention files: the ONNX output the layer came from. */
  layer?: string;
}

export interface DataIndex {
  format: 'wordlight-data';
  version: 1;
  load: string;
  prompt: string;
  seed: number;
  steps: number;
  guidance: number;
  model: { name: string; version: string };
  image: GenerationRecord['image'];
  /** Flow time t at the start of each step (1 → 0). */
  stepTimes: number[];
  tokens: { position: number; token: string; text: string; special: boolean }[];
  words: { word: string; token: string; inVocab: boolean; tokenPosition: number }[];
  layers: {
    output: string;
    place: string;
    block: number;
    index: number;
    resolution: [number, number];
    heads: number;
  }[];
  /** Layers and heads averaged into the heatmaps/ files. */
  heatmapSelection: { layers: string; heads: string };
  files: DataFileInfo[];
}

/** A file-name-safe form of a word. */
function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '') || 'token'
  );
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function minmax(data: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo;
  return data.map((v) => (span > 1e-12 ? (v - lo) / span : 0));
}

export interface DataZipSpec {
  record: GenerationRecord;
  maps: MapSource;
  /** Which layers and heads the heatmaps average (default all), recorded in index.json. */
  mapSelection?: { layers: string; heads: string };
}

export async function buildDataZip(
  spec: DataZipSpec,
  control: ExportControl = {},
): Promise<Uint8Array> {
  const { record, maps } = spec;
  const N = record.steps.length;
  const T = record.tokens.length;
  const { channels: C, height: H, width: W } = record.image;
  const files: Zippable = {};
  const info: DataFileInfo[] = [];
  const total = 2 + record.words.length + record.layers.length + 1;
  let done = 0;
  const add = (entry: DataFileInfo, data: Float32Array): void => {
    files[entry.path] = encodeNpy(data, entry.shape);
    info.push(entry);
  };

  const finalImage = record.final ?? record.steps[N - 1]?.x0;
  if (finalImage) {
    add(
      {
        path: 'image.npy',
        shape: [C, H, W],
        dtype: 'float32',
        meaning: `final image [C, H, W], model range [${record.image.range.join(', ')}]`,
      },
      finalImage,
    );
  }
  await checkpoint(control, ++done, total, 'image');
  add(
    {
      path: 'x0.npy',
      shape: [N, C, H, W],
      dtype: 'float32',
      meaning: 'predicted clean image at each step [steps, C, H, W], model range',
    },
    concat(record.steps.map((s) => s.x0)),
  );
  await checkpoint(control, ++done, total, 'x0');

  for (const word of record.words) {
    const p = word.tokenPosition;
    const perStep = record.steps.map((_, k) => maps.map(p, k, false));
    const first = perStep[0];
    if (first) {
      const base = `heatmaps/${String(p).padStart(2, '0')}_${slug(word.word)}`;
      const common = { dtype: 'float32' as const, word: word.word, tokenPosition: p };
      add(
        {
          path: `${base}.npy`,
          shape: [N, first.height, first.width],
          meaning: `map of "${word.word}" at each step [steps, h, w]: attention clamped ≥ 0, mean over the selected heads and layers (heatmapSelection), upsampled to a common resolution; not normalised`,
          ...common,
        },
        concat(perStep.map((m) => m?.data ?? new Float32Array(first.width * first.height))),
      );
      const cumulative = maps.map(p, N - 1, true);
      if (cumulative) {
        add(
          {
            path: `${base}_all.npy`,
            shape: [cumulative.height, cumulative.width],
            meaning: `DAAM map of "${word.word}" [h, w]: the per-step maps summed over all steps, min–max normalised to [0, 1]`,
            ...common,
          },
          minmax(cumulative.data),
        );
      }
    }
    await checkpoint(control, ++done, total, `word ${word.word}`);
  }

  record.layers.forEach((layer, l) => {
    const [h, w] = layer.resolution;
    add(
      {
        path: `attention/${slug(layer.output)}.npy`,
        shape: [N, layer.heads, h * w, T],
        dtype: 'float32',
        meaning: `raw post-softmax cross-attention of ${layer.output} [steps, heads, h*w, T], conditional half of the guidance batch; row y*${w} + x, column = token position`,
        layer: layer.output,
      },
      concat(record.steps.map((s) => s.attention[l] ?? new Float32Array(layer.heads * h * w * T))),
    );
  });
  done += record.layers.length;
  await checkpoint(control, done, total, 'attention');

  const index: DataIndex = {
    format: 'wordlight-data',
    version: 1,
    load: "import numpy as np; a = np.load('attention/<output>.npy')  # every .npy is float32, C order",
    prompt: record.settings.prompt,
    seed: record.settings.seed,
    steps: N,
    guidance: record.settings.guidance,
    model: record.model,
    image: record.image,
    stepTimes: record.steps.map((s) => s.t),
    tokens: record.tokens.map((t) => ({
      position: t.position,
      token: t.token,
      text: t.text,
      special: t.special,
    })),
    words: record.words.map((w) => ({
      word: w.word,
      token: w.token,
      inVocab: w.inVocab,
      tokenPosition: w.tokenPosition,
    })),
    layers: record.layers.map((l) => ({
      output: l.output,
      place: l.place,
      block: l.block,
      index: l.index,
      resolution: l.resolution,
      heads: l.heads,
    })),
    heatmapSelection: spec.mapSelection ?? { layers: 'all', heads: 'all' },
    files: info,
  };
  files['index.json'] = strToU8(JSON.stringify(index, null, 2));
  // Level 1: the floats barely compress and level 1 is several times faster than the default.
  const zipped = zipSync(files, { level: 1 });
  await checkpoint(control, total, total, 'zip');
  return zipped;
}
