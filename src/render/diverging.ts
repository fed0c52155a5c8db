/**
 * A diverging colormap for signed differences (blue = less, white = no change, red = more), after
 * ColorBrewer's RdBu: five anchors, linear between them. t in [−1, 1]; returns RGB 0…255.
 */
const ANCHORS: readonly (readonly [number, number, number])[] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43],
];

export function diverging(t: number): [number, number, number] {
  const x = (Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0)) + 1) * 2; // 0…4
  const i = Math.min(3, Math.floor(x));
  const f = x - i;
  const a = ANCHORS[i] as readonly [number, number, number];
  const b = ANCHORS[i + 1] as readonly [number, number, number];
  return [0, 1, 2].map((c) => Math.round((a[c] as number) * (1 - f) + (b[c] as number) * f)) as [
    number,
    number,
    number,
  ];
}
