/**
 * The app's MapComputer: src/attention/ aggregation (DAAM: clamp ≥ 0, mean over heads, sum over
 * steps, bilinear to the largest attention resolution, mean over layers), left unnormalised — the
 * shader normalises with each map's min and max, so 'minmax' and 'absolute' share one cache entry.
 */
import { aggregateAttention, headGrid } from '../attention/aggregate.ts';
import type { StepSelection } from '../attention/query.ts';
import type { GenerationRecord } from '../attention/record.ts';
import type { HeadTile, MapComputer, MapSelection, WordMapSet } from './maps.ts';

function stepsOf(selection: { step: number; cumulative: boolean }): StepSelection {
  return selection.cumulative
    ? { kind: 'range', from: 0, to: selection.step }
    : { kind: 'one', step: selection.step };
}

/** Indices of the chosen layers; an unknown name (stale link, other model) means all. */
function layersOf(record: GenerationRecord, layer: MapSelection['layer']): number[] | undefined {
  if (layer === 'all') return undefined;
  const index = record.layers.findIndex((l) => l.output === layer);
  return index >= 0 ? [index] : undefined;
}

/** A head index every chosen layer has, else all heads. */
function headsOf(
  record: GenerationRecord,
  layers: number[] | undefined,
  head: MapSelection['head'],
): number[] | 'all' {
  if (head === 'all') return 'all';
  const chosen = layers ? layers.map((l) => record.layers[l]) : record.layers;
  return chosen.every((l) => l !== undefined && head < l.heads) ? [head] : 'all';
}

export const attentionMapComputer: MapComputer = {
  wordMaps(record: GenerationRecord, selection: MapSelection): WordMapSet {
    const layers = layersOf(record, selection.layer);
    const result = aggregateAttention(record, {
      tokenPositions: record.tokens.map((t) => t.position),
      steps: stepsOf(selection),
      ...(layers ? { layers } : {}),
      heads: headsOf(record, layers, selection.head),
      normalize: 'none',
    });
    const [height, width] = result.resolution;
    const maps = new Array(record.tokens.length);
    for (const m of result.maps) {
      maps[m.tokenPosition] = { data: m.data, width, height, min: m.min, max: m.max };
    }
    return { width, height, maps };
  },

  headTiles(record, selection, position): HeadTile[] {
    return headGrid(record, {
      tokenPositions: [position],
      steps: stepsOf(selection),
      normalize: 'none',
    }).map((m) => ({
      layer: record.layers[m.layer]?.output ?? String(m.layer),
      head: m.head,
      map: {
        data: m.data,
        width: m.resolution[1],
        height: m.resolution[0],
        min: m.min,
        max: m.max,
      },
    }));
  },
};
