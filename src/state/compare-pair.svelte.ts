/**
 * Compare mode's pair of words: the two colours (chosen against the colours of the image on
 * screen, render/compare-colours.ts), the overlap of the two maps as τ-masks
 * (attention/masks.ts, the one place maps are binarised) and the key the view and exports show.
 * The colours follow the record (once per generation); the overlap follows the maps on screen.
 */
import { pairOverlap, type PairOverlap } from '../attention/masks.ts';
import {
  chooseComparePair,
  compareKey,
  type CompareKey,
  type ComparePair,
} from '../render/compare-colours.ts';
import type { CompareColors } from '../core/overlay-types.ts';
import type { GenerationRecord } from '../core/record.ts';
import type { OverlayView } from './explorer.svelte.ts';
import type { SelectionState } from './selection.svelte.ts';
import type { SettingsState } from './settings.svelte.ts';

/** What the pair reads from the explorer. */
export interface PairSource {
  readonly record: GenerationRecord | null;
  readonly overlay: OverlayView;
  readonly settings: SettingsState;
  readonly selection: SelectionState;
}

export class ComparePairState {
  readonly #src: PairSource;

  constructor(src: PairSource) {
    this.#src = src;
  }

  /** From the final image once the run is complete (steady while scrubbing), else orange/azure. */
  #colours = $derived.by((): ComparePair => {
    const r = this.#src.record;
    return chooseComparePair(r?.final ? { data: r.final, ...r.image, range: r.image.range } : null);
  });
  get colours(): ComparePair {
    return this.#colours;
  }
  /** The pair as the renderers take it (OverlayParams.compareColors). */
  #rgb = $derived<CompareColors>([this.#colours.a.rgb, this.#colours.b.rgb]);
  get rgb(): CompareColors {
    return this.#rgb;
  }

  /** The two maps on screen in Compare, as τ-masks as drawn; null outside Compare. */
  #overlap = $derived.by((): PairOverlap | null => {
    const { overlay, settings } = this.#src;
    if (overlay.mode !== 'compare' || !overlay.a || !overlay.b) return null;
    return pairOverlap(overlay.a, overlay.b, settings.tau, settings.normalize);
  });
  get overlap(): PairOverlap | null {
    return this.#overlap;
  }

  /** The key of the pair on screen (words, colours, IoU); null outside Compare. */
  get key(): CompareKey | null {
    const overlap = this.#overlap;
    const pair = this.#src.selection.comparePair;
    const tokens = this.#src.record?.tokens;
    if (!overlap || !pair || !tokens) return null;
    const word = (p: number): string => tokens[p]?.text ?? '?';
    return compareKey(this.#colours, [word(pair[0]), word(pair[1])], overlap);
  }
}
