/**
 * The eval prompt set (`eval/prompts.json`): its type, the caption grammar that writes a prompt
 * from objects, validation on load, and held-out tagging from the manifest.
 */
import { readFile } from 'node:fs/promises';
import type { ExpectedObject } from '../../scoring/checker.ts';
import {
  isColour,
  isPosition,
  isShape,
  isSize,
  POSITION_PHRASE,
} from '../../scoring/scene-vocab.ts';

export interface EvalPrompt {
  id: string;
  prompt: string;
  objects: ExpectedObject[];
  /** Two-object prompts whose shapes differ: the only ones where binding can be judged (with the
   * same shape twice, a swapped colour still looks right). Null for single-object prompts. */
  differentShapes: boolean | null;
}

export interface PromptSet {
  description: string;
  prompts: EvalPrompt[];
}

/** "a"/"an" as English (and training/scenes.py) picks it. */
export const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/** One object's phrase in the training grammar: article [size] colour shape position. */
export function phrase(o: ExpectedObject): string {
  const first = o.size ?? o.colour;
  return [article(first), o.size, o.colour, o.shape, POSITION_PHRASE[o.position]]
    .filter(Boolean)
    .join(' ');
}

export const caption = (objects: readonly ExpectedObject[]): string =>
  objects.map(phrase).join(' and ');

export type Triple = [colour: string, shape: string, position: string];

/** The manifest's `training.heldOut` ([colour, shape, position] triples never seen in training). */
export function heldOutTriples(training: Record<string, unknown> | undefined): Triple[] {
  const raw = training?.heldOut;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (t): t is Triple => Array.isArray(t) && t.length === 3 && t.every((x) => typeof x === 'string'),
  );
}

export function isHeldOut(o: ExpectedObject, heldOut: readonly Triple[]): boolean {
  return heldOut.some(([c, s, p]) => c === o.colour && s === o.shape && p === o.position);
}

/** Reads and checks the prompt set; a malformed entry names its index and field. */
export async function loadPromptSet(path: string): Promise<PromptSet> {
  const json = JSON.parse(await readFile(path, 'utf8')) as PromptSet;
  if (!Array.isArray(json.prompts)) throw new Error(`${path}: "prompts" must be an array`);
  json.prompts.forEach((p, i) => {
    const where = `${path}: prompts[${i}]`;
    if (typeof p.prompt !== 'string' || p.prompt.trim() === '')
      throw new Error(`${where}.prompt must be a non-empty string`);
    if (!Array.isArray(p.objects) || p.objects.length < 1 || p.objects.length > 2) {
      throw new Error(`${where}.objects must list one or two objects`);
    }
    p.objects.forEach((o, k) => {
      if (
        !isColour(o.colour) ||
        !isShape(o.shape) ||
        !isPosition(o.position) ||
        !(o.size === null || isSize(o.size))
      ) {
        throw new Error(`${where}.objects[${k}] is not a scenes object: ${JSON.stringify(o)}`);
      }
    });
    if (caption(p.objects) !== p.prompt)
      throw new Error(`${where}.prompt does not match its objects ("${caption(p.objects)}")`);
  });
  return json;
}
