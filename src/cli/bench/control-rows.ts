/** Table rows for the attention-control benches (control.ts), with the targets of issue 10. */
import { V1_UNET } from './control.ts';
import { median, p95 } from './stats.ts';
import type { BenchRow } from './types.ts';
import type { WasmChildResult } from './wasm-child.ts';

export const CONTROL_TARGETS = {
  /** A UNet step with the v2 control inputs fed neutral values vs the v1 graph. */
  unusedControl: 1.03,
  /** An edit whose source is cached vs a plain generation. */
  editVsPlain: 1.1,
} as const;

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function controlRows(child: WasmChildResult): BenchRow[] {
  const rows: BenchRow[] = [];
  const c = child.controlCost;
  if (c) {
    rows.push({
      id: `control-unused/unet-step/wasm-${child.threads}t/b2`,
      name: `unused control inputs, UNet step v2/v1, WASM ${child.threads}t, batch 2`,
      median: c.ratio,
      p95: p95(c.ratios),
      unit: 'ratio',
      samples: c.ratios.length,
      target: CONTROL_TARGETS.unusedControl,
      ratio: c.ratio / CONTROL_TARGETS.unusedControl,
      extra: { v1Ms: round(c.v1Ms), v2Ms: round(c.v2Ms), v1: `${V1_UNET.commit}:${V1_UNET.path}` },
    });
  }
  const e = child.edit;
  if (e) {
    const ratio = median(e.ratios);
    rows.push({
      id: `edit-vs-plain/generation/wasm-${child.threads}t`,
      name: `edit (cached source, injection 1) / plain generation, WASM ${child.threads}t`,
      median: ratio,
      p95: p95(e.ratios),
      unit: 'ratio',
      samples: e.ratios.length,
      target: CONTROL_TARGETS.editVsPlain,
      ratio: ratio / CONTROL_TARGETS.editVsPlain,
      extra: {
        plainMs: round(median(e.plainMs)),
        editMs: round(median(e.editMs)),
        prompt: e.settings.prompt,
        source: e.settings.edit?.source.prompt ?? null,
      },
    });
  }
  return rows;
}
