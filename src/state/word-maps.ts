/**
 * The app's MapComputer: turns an explorer selection (step, layer name, head, this step or
 * cumulative) into queries of the word-map engine (src/attention/word-maps.ts), whose maps the
 * MapCache (maps.ts) keeps for hover and scrub. A stale selection (a layer name or head the
 * current model lacks, e.g. from an old link) falls back to all layers or heads, never an error.
 */
import type { StepSelection } from '../attention/query.ts';
import { headMaps, wordMaps } from '../attention/word-maps.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { HeadTile, MapComputer, MapSelection, WordMapSet } from './maps.ts';

function stepsOf(selection: { step: number; cumulative: boolean }): StepSelection {
  return selection.cumulative
    ? { kind: 'range', from: 0, to: selection.step }
    : { kind: 'one', step: selection.step };
}

/** Indices of the chosen layers; an unknown name (stale link, other model) means all. */
function layersOf(record: GenerationRecord, layer: MapSelection['layer']): number[] {
  const all = record.layers.map((_, i) => i);
  if (layer === 'all') return all;
  const index = record.layers.findIndex((l) => l.output === layer);
  return index >= 0 ? [index] : all;
}

/** A head every chosen layer has, else all heads. */
function headsOf(
  record: GenerationRecord,
  layers: number[],
  head: MapSelection['head'],
): number[] | 'all' {
  if (head === 'all') return 'all';
  return layers.every((l) => head < (record.layers[l]?.heads ?? 0)) ? [head] : 'all';
}

export const wordMapComputer: MapComputer = {
  wordMaps(record, selection): WordMapSet {
    const layers = layersOf(record, selection.layer);
    const result = wordMaps(record, {
      tokenPositions: record.tokens.map((t) => t.position),
      steps: stepsOf(selection),
      layers,
      heads: headsOf(record, layers, selection.head),
      normalize: 'none',
    });
    const [height, width] = result.resolution;
    return { width, height, maps: result.maps };
  },

  headTiles(record, selection, position): HeadTile[] {
    return headMaps(record, {
      tokenPositions: [position],
      steps: stepsOf(selection),
      layers: layersOf(record, selection.layer),
      normalize: 'none',
    }).map(({ layer, head, ...map }) => ({
      layer: record.layers[layer]?.output ?? String(layer),
      head,
      map,
    }));
  },
};
