/** Turns the raw measurements into table rows with the targets from the issue. */
import type { OpTime } from './profile.ts';
import { median, p95 } from './stats.ts';
import type { BenchRow } from './types.ts';
import type { WasmChildResult } from './wasm-child.ts';

/** Targets on these 2-core machines (issue 3). */
export const TARGETS = {
  /** 25-step guided generation with full capture, WASM 2 threads, ms. */
  generationMs: 500,
  /** Fetching all attention outputs vs model_output only. */
  captureOverhead: 1.05,
  /** WASM step time / native step time at the same threads and batch. */
  wasmVsNative: 1.5,
} as const;

export function stepRows(children: readonly WasmChildResult[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const c of children) {
    for (const s of c.steps) {
      rows.push({
        id: `unet-step/native-${c.threads}t/b${s.batch}`,
        name: `UNet step, native CPU ${c.threads}t, batch ${s.batch}`,
        median: median(s.native.ms),
        p95: p95(s.native.ms),
        unit: 'ms',
        samples: s.native.ms.length,
        target: null,
        ratio: null,
        extra: { threads: c.threads, batch: s.batch, cpuPerWall: round(s.nativeCpuPerWall) },
      });
    }
  }
  for (const c of children) {
    for (const s of c.steps) {
      // Ratio: median of per-pair WASM/native ratios (interleaved runs), not a ratio of medians.
      const ratio = median(s.ratios);
      rows.push({
        id: `unet-step/wasm-${c.threads}t/b${s.batch}`,
        name: `UNet step, WASM ${c.threads}t, batch ${s.batch}`,
        median: median(s.wasm.ms),
        p95: p95(s.wasm.ms),
        unit: 'ms',
        samples: s.wasm.ms.length,
        target: TARGETS.wasmVsNative,
        targetOn: 'ratio',
        ratio,
        ratioOf: `native ${c.threads}t`,
        extra: {
          threads: c.threads,
          batch: s.batch,
          cpuPerWall: round(s.wasmCpuPerWall),
          nativeMs: round(median(s.native.ms)),
          ratioP95: round(p95(s.ratios)),
        },
      });
    }
  }
  return rows;
}

export function generationRows(child: WasmChildResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const g = child.generation;
  if (g) {
    const med = median(g.totalMs);
    rows.push({
      id: `generation/wasm-${g.threads}t/${g.steps}-steps`,
      name: `${g.steps}-step guided generation + capture, WASM ${g.threads}t`,
      median: med,
      p95: p95(g.totalMs),
      unit: 'ms',
      samples: g.totalMs.length,
      target: TARGETS.generationMs,
      ratio: med / TARGETS.generationMs,
      extra: {
        msPerStep: round(median(g.stepMs)),
        encodeMs: round(median(g.encodeMs)),
        noCaptureMs: round(median(g.totalNoCaptureMs)),
        prompt: g.settings.prompt,
        guidance: g.settings.guidance,
      },
    });
    rows.push({
      id: `capture-overhead/generation/wasm-${g.threads}t`,
      name: `capture overhead, whole generation, WASM ${g.threads}t`,
      median: median(g.ratios),
      p95: p95(g.ratios),
      unit: 'ratio',
      samples: g.ratios.length,
      target: null,
      ratio: null,
    });
    rows.push({
      id: 'record-bytes',
      name: `record bytes (${g.steps} steps, all layers)`,
      median: g.bytes.total,
      p95: null,
      unit: 'bytes',
      samples: 0,
      target: null,
      ratio: null,
      extra: { attentionBytes: g.bytes.attention, imageBytes: g.bytes.images },
    });
  }
  const c = child.capture;
  if (c) {
    rows.push({
      id: `capture-overhead/unet-step/wasm-${child.threads}t/b2`,
      name: `capture overhead, UNet step, WASM ${child.threads}t, batch 2`,
      median: c.ratio,
      p95: p95(c.ratios),
      unit: 'ratio',
      samples: c.ratios.length,
      target: TARGETS.captureOverhead,
      ratio: c.ratio / TARGETS.captureOverhead,
      extra: { outputOnlyMs: round(c.outputOnlyMs), allOutputsMs: round(c.allOutputsMs) },
    });
  }
  return rows;
}

export interface OpComparison {
  /** Op family: the two builds fuse differently (native: FusedConv, NchwcConv, Reorder*), so
   * per-op-name rows would not line up. */
  family: string;
  wasmMs: number;
  nativeMs: number;
  /** wasmMs / nativeMs (0 when native has none). */
  ratio: number;
  /** Share of the WASM step's kernel time. */
  wasmShare: number;
  /** Op names seen in either profile. */
  ops: string[];
}

export function opFamily(op: string): string {
  if (/Conv/i.test(op)) return 'convolution';
  if (/MatMul|Gemm|Attention/i.test(op)) return 'matmul';
  if (/Norm/i.test(op)) return 'normalisation';
  if (/Reorder|Transpose/i.test(op)) return 'layout (transpose/reorder)';
  if (/Softmax/i.test(op)) return 'softmax';
  return 'elementwise & shape';
}

/** Joins the two per-op profiles by op family: where WASM's extra time goes. */
export function compareOps(wasm: readonly OpTime[], native: readonly OpTime[]): OpComparison[] {
  const fams = new Map<string, { wasmMs: number; nativeMs: number; ops: Set<string> }>();
  const add = (list: readonly OpTime[], key: 'wasmMs' | 'nativeMs'): void => {
    for (const o of list) {
      const f = opFamily(o.op);
      const entry = fams.get(f) ?? { wasmMs: 0, nativeMs: 0, ops: new Set<string>() };
      entry[key] += o.ms;
      entry.ops.add(o.op);
      fams.set(f, entry);
    }
  };
  add(wasm, 'wasmMs');
  add(native, 'nativeMs');
  const wasmTotal = wasm.reduce((s, o) => s + o.ms, 0);
  return [...fams.entries()]
    .map(([family, e]) => ({
      family,
      wasmMs: round(e.wasmMs),
      nativeMs: round(e.nativeMs),
      ratio: e.nativeMs > 0 ? round(e.wasmMs / e.nativeMs) : 0,
      wasmShare: wasmTotal > 0 ? round(e.wasmMs / wasmTotal) : 0,
      ops: [...e.ops].sort(),
    }))
    .sort((a, b) => b.wasmMs - a.wasmMs);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
