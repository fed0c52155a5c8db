/**
 * A model's grammar (manifest `grammarSpec`, written by training/export.py from the scenes module it was
 * trained on) and the check that flags a prompt outside it before anything is generated: three objects on
 * a model that draws two, two objects on one side, a relation or a background the model never saw. Each
 * problem says what the model can do instead. The check never changes the prompt: the user may still
 * generate it to see what the model does with it.
 */
import type { GrammarSpec } from '../core/manifest-types.ts';
import { splitWords } from './tokenizer.ts';

export interface GrammarIssue {
  /** What is outside the grammar. */
  problem: string;
  /** What the model can do instead. */
  instead: string;
}

/** English relation phrases (any model): recognised so a model without relations can say so. */
const RELATION_PHRASES: Record<string, string[]> = {
  above: ['above'],
  below: ['below'],
  left: ['to', 'the', 'left', 'of'],
  right: ['to', 'the', 'right', 'of'],
};
const BACKGROUND_TAIL = /^(on a|on an) (\w+) background$/;

interface ObjectWords {
  colour?: string;
  shape?: string;
  position?: string;
  words: string[];
}

function findSeq(words: string[], seq: string[]): number {
  for (let i = 0; i + seq.length <= words.length; i++) {
    if (seq.every((w, k) => words[i + k] === w)) return i;
  }
  return -1;
}

function objectsOf(words: string[], spec: GrammarSpec): ObjectWords[] {
  // A new object starts at "and", or after a position word ("A on the left, B …": the comma is gone).
  const out: ObjectWords[] = [];
  let cur: ObjectWords = { words: [] };
  const flush = (): void => {
    if (cur.words.length > 0) out.push(cur);
    cur = { words: [] };
  };
  for (const w of words) {
    if (w === 'and') {
      flush();
      continue;
    }
    cur.words.push(w);
    if (spec.colours.includes(w) && cur.colour === undefined) cur.colour = w;
    else if (spec.shapes.includes(w) && cur.shape === undefined) cur.shape = w;
    else if (w in spec.positions && cur.position === undefined) {
      cur.position = w;
      flush();
    }
  }
  flush();
  return out.filter((o) => o.shape !== undefined || o.colour !== undefined);
}

const phraseOf = (o: ObjectWords): string =>
  ['a', o.colour ?? 'red', o.shape ?? 'circle'].join(' ').replace(/^a ([aeiou])/, 'an $1');

/** The problems of one prompt under a model's grammar ([] when it is inside). */
export function checkGrammar(prompt: string, spec: GrammarSpec): GrammarIssue[] {
  let words = splitWords(prompt);
  const issues: GrammarIssue[] = [];
  if (words.length === 0) return issues;

  // background phrase at the end
  let background = 'light';
  const tail = BACKGROUND_TAIL.exec(words.slice(-4).join(' '));
  if (tail) {
    const bg = tail[2] ?? '';
    words = words.slice(0, -4);
    if (spec.backgrounds.length === 0) {
      issues.push({
        problem: `“on a ${bg} background”: this model always paints a light background and has no background phrase`,
        instead: 'leave the background phrase out, or pick a model that knows backgrounds',
      });
    } else if (!spec.backgrounds.includes(bg)) {
      issues.push({
        problem: `“${bg} background” is not a background this model knows`,
        instead: `say ${spec.backgrounds.map((b) => `“on a ${b} background”`).join(' or ')}`,
      });
    } else background = bg;
  }

  // relation
  for (const [rel, seq] of Object.entries(RELATION_PHRASES)) {
    const at = findSeq(words, seq);
    if (at < 0) continue;
    const [a, b] = [
      objectsOf(words.slice(0, at), spec),
      objectsOf(words.slice(at + seq.length), spec),
    ];
    const first = a[0] ?? { words: [] };
    const second = b[0] ?? { words: [] };
    if (!(rel in spec.relations)) {
      const [p, q] =
        rel === 'above'
          ? ['top', 'bottom']
          : rel === 'below'
            ? ['bottom', 'top']
            : [rel, rel === 'left' ? 'right' : 'left'];
      issues.push({
        problem: `“${seq.join(' ')}”: this model knows no relations between objects`,
        instead: `give each object a position: “${phraseOf(first)} ${spec.positions[p] ?? ''} and ${phraseOf(second)} ${spec.positions[q] ?? ''}”`,
      });
    } else if (a.length !== 1 || b.length !== 1 || first.position || second.position) {
      issues.push({
        problem: 'a relation joins exactly two objects without positions',
        instead: `write “${phraseOf(first)} ${spec.relations[rel]} ${phraseOf(second)}”`,
      });
    }
    return issues.concat(colourIssues([first, second], spec, background));
  }

  const objs = objectsOf(words, spec);
  if (objs.length > spec.maxObjects) {
    const keep = objs.slice(0, spec.maxObjects);
    const pair = spec.pairs[0] ?? ['left', 'right'];
    issues.push({
      problem: `${objs.length} objects: this model draws at most ${spec.maxObjects}`,
      instead:
        spec.maxObjects === 2
          ? `keep two: “${phraseOf(keep[0] ?? { words: [] })} ${spec.positions[pair[0]] ?? ''} and ${phraseOf(keep[1] ?? { words: [] })} ${spec.positions[pair[1]] ?? ''}”, or pick a model that draws three`
          : `keep at most ${spec.maxObjects}`,
    });
    return issues;
  }
  const positions = objs.map((o) => o.position);
  if (objs.length >= 2 && positions.some((p) => p === undefined)) {
    issues.push({
      problem: 'an object without a position in a prompt of several objects',
      instead: `give every object a position (${Object.values(spec.positions)
        .map((p) => `“${p}”`)
        .join(', ')})`,
    });
  } else if (objs.length === 2) {
    const [p, q] = positions as [string, string];
    if (!spec.pairs.some(([x, y]) => (x === p && y === q) || (x === q && y === p))) {
      const other = spec.pairs.find(([x]) => x === p)?.[1];
      issues.push({
        problem:
          p === q
            ? `both objects ${spec.positions[p] ?? p}: this model puts two objects at opposite positions`
            : `“${spec.positions[p] ?? p}” with “${spec.positions[q] ?? q}”: this model puts two objects at opposite positions`,
        instead: other
          ? `put the second one ${spec.positions[other] ?? other} (pairs: ${spec.pairs
              .filter(([x, y]) => x < y)
              .map(([x, y]) => `${x}/${y}`)
              .join(', ')})`
          : 'put them at opposite positions',
      });
    }
  } else if (objs.length === 3) {
    const ok = spec.triples.some((t) => t.every((x, i) => x === positions[i]));
    if (!ok) {
      issues.push({
        problem: `positions ${positions.join(', ')}: three objects go in a row or a column, in order`,
        instead: spec.triples
          .map((t) =>
            `“A ${t.map((x) => spec.positions[x] ?? x).join(', B ')}”`.replace(
              /, B ([^,]*)$/,
              ' and C $1',
            ),
          )
          .join(' or '),
      });
    }
  }
  return issues.concat(colourIssues(objs, spec, background));
}

function colourIssues(objs: ObjectWords[], spec: GrammarSpec, background: string): GrammarIssue[] {
  const out: GrammarIssue[] = [];
  for (const o of objs) {
    const need = o.colour ? spec.colourBackground[o.colour] : undefined;
    if (need && need !== background) {
      out.push({
        problem: `a ${o.colour} object on a ${background} background would not show`,
        instead: `end the prompt with “on a ${need} background”, or pick another colour`,
      });
    }
  }
  return out;
}

/** Reads `grammarSpec` from a parsed manifest (undefined when absent or malformed: no structure check). */
export function grammarSpecOf(manifestJson: unknown): GrammarSpec | undefined {
  if (typeof manifestJson !== 'object' || manifestJson === null) return undefined;
  const g = (manifestJson as { grammarSpec?: unknown }).grammarSpec;
  if (typeof g !== 'object' || g === null) return undefined;
  const s = g as Partial<GrammarSpec>;
  const strings = (v: unknown): boolean =>
    Array.isArray(v) && v.every((x) => typeof x === 'string');
  const ok =
    strings(s.colours) &&
    strings(s.shapes) &&
    strings(s.sizes) &&
    strings(s.backgrounds) &&
    typeof s.positions === 'object' &&
    typeof s.relations === 'object' &&
    typeof s.colourBackground === 'object' &&
    Array.isArray(s.pairs) &&
    Array.isArray(s.triples) &&
    typeof s.maxObjects === 'number';
  return ok ? (s as GrammarSpec) : undefined;
}
