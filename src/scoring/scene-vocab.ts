/**
 * The scenes world's words and palette, as the checker needs them. Mirrors training/scenes.py
 * (COLOURS, SHAPES, SIZES, POSITIONS); the palette is scenes.py's RGB in [0, 1] — each training
 * image jitters it by ±0.04 per channel, which the checker's tolerance absorbs.
 */
export const COLOURS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export const SHAPES = ['circle', 'square', 'triangle'] as const;
export const SIZES = ['small', 'big'] as const;
export const POSITIONS = ['left', 'right', 'top', 'bottom', 'center'] as const;

export type Colour = (typeof COLOURS)[number];
export type Shape = (typeof SHAPES)[number];
export type Size = (typeof SIZES)[number];
export type Position = (typeof POSITIONS)[number];

/** RGB in [0, 1], from training/scenes.py `COLOURS`. */
export const PALETTE: Record<Colour, readonly [number, number, number]> = {
  red: [0.86, 0.14, 0.14],
  green: [0.13, 0.63, 0.22],
  blue: [0.15, 0.3, 0.88],
  yellow: [0.96, 0.84, 0.1],
  purple: [0.55, 0.2, 0.75],
  orange: [0.98, 0.52, 0.06],
};

/** Caption phrase of each position, as the grammar writes it. */
export const POSITION_PHRASE: Record<Position, string> = {
  left: 'on the left',
  right: 'on the right',
  top: 'at the top',
  bottom: 'at the bottom',
  center: 'in the center',
};

/** Word classes whose heatmaps are scored against the object they name. */
export const WORD_CLASSES = ['colour', 'shape', 'size', 'position'] as const;
export type WordClass = (typeof WORD_CLASSES)[number];

export function wordClass(word: string): WordClass | null {
  if ((COLOURS as readonly string[]).includes(word)) return 'colour';
  if ((SHAPES as readonly string[]).includes(word)) return 'shape';
  if ((SIZES as readonly string[]).includes(word)) return 'size';
  if ((POSITIONS as readonly string[]).includes(word)) return 'position';
  return null;
}

export const isColour = (w: unknown): w is Colour => (COLOURS as readonly unknown[]).includes(w);
export const isShape = (w: unknown): w is Shape => (SHAPES as readonly unknown[]).includes(w);
export const isSize = (w: unknown): w is Size => (SIZES as readonly unknown[]).includes(w);
export const isPosition = (w: unknown): w is Position =>
  (POSITIONS as readonly unknown[]).includes(w);
