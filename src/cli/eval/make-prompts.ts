/**
 * Writes the fixed eval prompt set, `eval/prompts.json`. Run once; the file is committed and the
 * eval reads only the file, so changing this script changes nothing until it is re-run on purpose:
 *   npx tsx src/cli/eval/make-prompts.ts
 *
 * 40 single-object prompts: every held-out triple once, the rest drawn so each colour, shape and
 * position appears about equally. 60 two-object prompts at opposite sides (left+right or
 * top+bottom, both orders) with two different colours, as in training: 40 with different shapes
 * (binding is judged on those), 20 with the same shape; 14 of them contain a held-out triple (the
 * seven not in the centre, twice each).
 * Size words: big / small / none in turn, as training leaves the size out a third of the time.
 */
import { writeFile } from 'node:fs/promises';
import { mulberry32 } from '../../model/prng.ts';
import type { ExpectedObject } from '../../scoring/checker.ts';
import { caption, isHeldOut, type EvalPrompt, type PromptSet, type Triple } from './prompts.ts';
import {
  COLOURS,
  POSITIONS,
  SHAPES,
  type Colour,
  type Position,
  type Shape,
  type Size,
} from '../../scoring/scene-vocab.ts';

/** training/scenes.py HELD_OUT, copied so the set covers them; tagging at eval time reads the
 * manifest's `training.heldOut`, so a model trained with other held-out triples is tagged right. */
const HELD_OUT: Triple[] = [
  ['red', 'triangle', 'right'],
  ['green', 'square', 'left'],
  ['blue', 'circle', 'top'],
  ['yellow', 'triangle', 'bottom'],
  ['purple', 'square', 'center'],
  ['orange', 'circle', 'left'],
  ['red', 'square', 'bottom'],
  ['blue', 'triangle', 'center'],
  ['purple', 'circle', 'right'],
];

const PAIRS: [Position, Position][] = [
  ['left', 'right'],
  ['right', 'left'],
  ['top', 'bottom'],
  ['bottom', 'top'],
];
const SIZE_CYCLE: (Size | null)[] = ['big', 'small', null];

/** Uniform [0, 1) from the model's seeded mulberry32, so the drawn set is reproducible. */
function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 2 ** 32;
}

function shuffle<T>(xs: T[], rand: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
  }
  return xs;
}

const obj = (
  colour: Colour,
  shape: Shape,
  position: Position,
  size: Size | null,
): ExpectedObject => ({
  colour,
  shape,
  position,
  size,
});

function singles(rand: () => number): ExpectedObject[][] {
  const heldOut = HELD_OUT.map(([c, s, p]) => obj(c as Colour, s as Shape, p as Position, null));
  // The rest: walk colours, shapes and positions in lock-step (offset cycles) so each appears
  // ~equally, skipping held-out triples and repeats.
  const rest: ExpectedObject[] = [];
  const all = shuffle(
    COLOURS.flatMap((c) => SHAPES.flatMap((s) => POSITIONS.map((p) => obj(c, s, p, null)))),
    rand,
  ).filter((o) => !isHeldOut(o, HELD_OUT));
  const count = (key: keyof ExpectedObject, v: string): number =>
    [...heldOut, ...rest].filter((o) => o[key] === v).length;
  while (rest.length < 31) {
    // Pick the candidate whose colour, shape and position are least used so far.
    all.sort((a, b) => score(a) - score(b));
    rest.push(all.shift() as ExpectedObject);
  }
  function score(o: ExpectedObject): number {
    return (
      count('colour', o.colour) * 1.0 +
      count('shape', o.shape) * 0.5 +
      count('position', o.position) * 0.8
    );
  }
  return [...heldOut, ...rest].map((o, i) => [{ ...o, size: SIZE_CYCLE[i % 3] ?? null }]);
}

function pairs(rand: () => number): ExpectedObject[][] {
  const out: ExpectedObject[][] = [];
  const seen = new Set<string>();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const key = (a: ExpectedObject, b: ExpectedObject): string => `${caption([a, b])}`;
  const add = (a: ExpectedObject, b: ExpectedObject): boolean => {
    if (a.colour === b.colour || seen.has(key(a, b))) return false;
    seen.add(key(a, b));
    const i = out.length;
    out.push([
      { ...a, size: SIZE_CYCLE[i % 3] ?? null },
      { ...b, size: SIZE_CYCLE[(i + 1) % 3] ?? null },
    ]);
    return true;
  };
  // 14 with a held-out triple: each of the seven side triples twice (a pair has no centre), on its
  // own side with a partner opposite it, first or second in turn.
  const sideTriples = [...HELD_OUT, ...HELD_OUT].filter(([, , p]) => p !== 'center');
  for (const [k, [c, s, p]] of sideTriples.entries()) {
    const pair = PAIRS.find(([a]) => a === p) as [Position, Position];
    const differentShape = k % 3 !== 2; // two in three with a different shape, like the rest
    for (;;) {
      const held = obj(c as Colour, s as Shape, pair[0], null);
      const partner = obj(
        pick(COLOURS.filter((x) => x !== c)),
        differentShape ? pick(SHAPES.filter((x) => x !== s)) : (s as Shape),
        pair[1],
        null,
      );
      if (isHeldOut(partner, HELD_OUT)) continue;
      const [a, b] = k % 2 === 0 ? [held, partner] : [partner, held];
      if (add(a, b)) break;
    }
  }
  // The rest: 40 different-shape pairs in all, 20 same-shape, none held out.
  const target = { different: 40, same: 20 };
  const have = (different: boolean): number =>
    out.filter(([a, b]) => (a?.shape !== b?.shape) === different).length;
  let i = 0;
  while (out.length < 60) {
    const pair = PAIRS[i++ % PAIRS.length]!;
    const different = have(true) < target.different;
    const s1 = pick(SHAPES);
    const s2 = different ? pick(SHAPES.filter((x) => x !== s1)) : s1;
    const c1 = pick(COLOURS);
    const a = obj(c1, s1, pair[0], null);
    const b = obj(pick(COLOURS.filter((x) => x !== c1)), s2, pair[1], null);
    if (isHeldOut(a, HELD_OUT) || isHeldOut(b, HELD_OUT)) continue;
    add(a, b);
  }
  return out;
}

function toPrompt(objects: ExpectedObject[], id: string): EvalPrompt {
  const [a, b] = objects;
  return {
    id,
    prompt: caption(objects),
    objects,
    differentShapes: b ? a?.shape !== b.shape : null,
  };
}

async function main(): Promise<void> {
  const rand = rng(20240601);
  const set: PromptSet = {
    description:
      'Wordlight eval prompts (written by src/cli/eval/make-prompts.ts; do not edit by hand). ' +
      '40 single-object, 60 two-object (opposite sides, different colours; differentShapes marks ' +
      'the pairs binding is judged on). Held-out tagging happens at eval time from the manifest.',
    prompts: [
      ...singles(rand).map((o, i) => toPrompt(o, `s${String(i).padStart(2, '0')}`)),
      ...pairs(rand).map((o, i) => toPrompt(o, `p${String(i).padStart(2, '0')}`)),
    ],
  };
  await writeFile('eval/prompts.json', `${JSON.stringify(set, null, 2)}\n`);
  console.log(`wrote eval/prompts.json: ${set.prompts.length} prompts`);
}

void main();
