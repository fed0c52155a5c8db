/**
 * The eval's figures, each computed per seed set and then summarised as mean and min–max across
 * sets (the spread says how much of a difference between two models is seed noise).
 */
import type { SampleOutcome } from './evaluate.ts';
import { WORD_CLASSES } from '../../scoring/scene-vocab.ts';

export interface Figure {
  id: string;
  label: string;
  /** Per seed set, in set order; NaN where the set had nothing to measure. */
  perSet: number[];
  mean: number;
  min: number;
  max: number;
  /** How many items each set's figure averages (prompts, objects or words), per set. */
  n: number[];
}

type Sel = (s: SampleOutcome) => number[];

/** Mean of the values `sel` yields over a set's samples; NaN when it yields none. */
function pooled(samples: readonly SampleOutcome[], sel: Sel): { value: number; n: number } {
  const xs = samples.flatMap(sel);
  return {
    value: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN,
    n: xs.length,
  };
}

const b = (x: boolean): number => (x ? 1 : 0);

interface FigureDef {
  id: string;
  label: string;
  sel: Sel;
}

function definitions(): FigureDef[] {
  const defs: FigureDef[] = [
    {
      id: 'single.fullyRight',
      label: 'single-object prompts fully right (colour, shape, position)',
      sel: (s) => (s.twoObject ? [] : [b(s.objects.every((o) => o.ok))]),
    },
    {
      id: 'single.fullyRight.heldOut',
      label: '  … held-out triples only',
      sel: (s) => (s.twoObject || !s.heldOut ? [] : [b(s.objects.every((o) => o.ok))]),
    },
    {
      id: 'two.fullyRight',
      label: 'two-object prompts fully right (both: colour, shape, side)',
      sel: (s) => (s.twoObject ? [b(s.objects.every((o) => o.ok))] : []),
    },
    {
      id: 'two.fullyRight.heldOut',
      label: '  … containing a held-out triple',
      sel: (s) => (s.twoObject && s.heldOut ? [b(s.objects.every((o) => o.ok))] : []),
    },
    {
      id: 'two.binding',
      label: 'colour+shape binding, pairs of different shapes',
      sel: (s) => (s.differentShapes ? [b(s.objects.every((o) => o.colourOk && o.shapeOk))] : []),
    },
    {
      id: 'placement',
      label: 'placement: objects on the named side (all prompts)',
      sel: (s) => s.objects.map((o) => b(o.positionOk)),
    },
    {
      id: 'colourFound',
      label: 'objects whose colour is present',
      sel: (s) => s.objects.map((o) => b(o.colourOk)),
    },
    {
      id: 'noUnnamedObject',
      label: 'images with no unnamed coloured object',
      sel: (s) => [b(s.unnamed.length === 0)],
    },
  ];
  for (const heldOut of [false, true]) {
    for (const cls of WORD_CLASSES) {
      defs.push({
        id: `mIoU.${cls}${heldOut ? '.heldOut' : ''}`,
        label: heldOut ? `  mIoU ${cls}, held-out prompts` : `mIoU ${cls} words (τ = 0.4)`,
        sel: (s) =>
          heldOut && !s.heldOut
            ? []
            : s.words
                .filter((w) => w.wordClass === cls && w.iou !== null)
                .map((w) => w.iou as number),
      });
    }
  }
  for (const cls of ['colour', 'shape'] as const) {
    defs.push({
      id: `mIoU.${cls}.daamLayers`,
      label: `  mIoU ${cls}, DAAM's layer set (no mid, no lowest resolution)`,
      sel: (s) =>
        s.words
          .filter((w) => w.wordClass === cls && w.iouDaamLayers !== null)
          .map((w) => w.iouDaamLayers as number),
    });
  }
  return defs;
}

export function figures(sets: readonly (readonly SampleOutcome[])[]): Figure[] {
  return definitions().map((d) => {
    const per = sets.map((samples) => pooled(samples, d.sel));
    const values = per.map((p) => p.value).filter((v) => !Number.isNaN(v));
    return {
      id: d.id,
      label: d.label,
      perSet: per.map((p) => p.value),
      mean: values.length ? values.reduce((a, c) => a + c, 0) / values.length : Number.NaN,
      min: values.length ? Math.min(...values) : Number.NaN,
      max: values.length ? Math.max(...values) : Number.NaN,
      n: per.map((p) => p.n),
    };
  });
}

export function formatFigures(figs: readonly Figure[]): string {
  const rows = figs.map((f) => [
    f.label,
    Number.isNaN(f.mean) ? '—' : f.mean.toFixed(3),
    Number.isNaN(f.min) ? '' : `${f.min.toFixed(3)}–${f.max.toFixed(3)}`,
    f.n.join('/'),
  ]);
  const header = ['figure', 'mean', 'min–max over seed sets', 'n per set'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
