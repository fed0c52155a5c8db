/**
 * Bench row for the exporter: a 25-frame 512×512 GIF of one word's overlay (one frame per step),
 * through the same path as `wordlight export --format gif`: map aggregation, CPU render, palette,
 * LZW encode. The generation itself is done once, untimed. Target ≤ 1 s (median).
 */
import type { GenerationRecord } from '../../core/record.ts';
import { createCpuFrameRenderer, type FrameRenderer } from '../../export/frame-renderer.ts';
import { wordMapSeries } from '../../attention/series.ts';
import { runExport } from '../../export/run.ts';
import { createNodeGenerator } from '../../model/node-model.ts';
import { DEFAULT_OVERLAY_PARAMS } from '../../core/overlay-types.ts';
import { median, time } from './stats.ts';
import type { BenchRow } from './types.ts';

const FRAMES = 25;
const SIZE = 512;
const TARGET_MS = 1000;
const PROMPT = 'a red circle on the left and a blue square on the right';

async function generateOnce(): Promise<GenerationRecord> {
  const generator = createNodeGenerator({ threads: 1 });
  try {
    const info = await generator.load();
    return await generator.generate({
      prompt: PROMPT,
      seed: info.manifest.defaults.seed,
      steps: FRAMES,
      guidance: info.manifest.defaults.guidance,
    });
  } finally {
    await generator.dispose();
  }
}

export async function benchGifExport(): Promise<BenchRow[]> {
  const record = await generateOnce();
  const word =
    record.words.find((w) => w.word === 'red') ??
    record.words.find((w) => w.inVocab) ??
    record.words[0];
  if (!word) throw new Error('the bench prompt has no words');
  let bytes = 0;
  let renderMs: number[] = [];
  const run = async (): Promise<void> => {
    // A fresh map source each run: aggregation is part of the cost, as in a real export.
    const cpu = createCpuFrameRenderer();
    let rendering = 0;
    const timed: FrameRenderer = {
      render(spec) {
        const t0 = performance.now();
        const out = cpu.render(spec);
        rendering += performance.now() - t0;
        return out;
      },
    };
    const result = await runExport(
      {
        format: 'gif',
        animation: {
          record,
          maps: wordMapSeries(record, { positions: [word.tokenPosition] }),
          size: SIZE,
          fps: 8,
          layout: 'overlay',
          positions: [word.tokenPosition],
          params: DEFAULT_OVERLAY_PARAMS,
          label: true,
          image: 'x0',
          cumulative: false,
        },
      },
      timed,
    );
    bytes = result.bytes.length;
    renderMs.push(rendering);
  };
  const timing = await time(run, { warmup: 1, reps: 7, minReps: 3, budgetMs: 20_000 });
  renderMs = renderMs.slice(1); // drop the warm-up
  const m = median(timing.ms);
  return [
    {
      id: `gif-export/${SIZE}/${FRAMES}f`,
      name: `GIF export, ${FRAMES} frames ${SIZE}×${SIZE} (maps + render + palette + encode)`,
      median: m,
      p95: null,
      unit: 'ms',
      samples: timing.ms.length,
      target: TARGET_MS,
      ratio: m / TARGET_MS,
      extra: {
        frames: FRAMES,
        size: SIZE,
        bytes,
        renderMsMedian: Math.round(median(renderMs)),
        // CPU time per export: on a shared, loaded machine wall time overstates the work.
        cpuMsMedian: Math.round(median(timing.cpuMs)),
        word: word.word,
      },
    },
  ];
}
