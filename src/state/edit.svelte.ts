/**
 * The "what if" comparison: the result on screen (the source) beside a second run on the same
 * settings — an edit of its prompt with the source's cached cross-attention injected in the first
 * part of the steps (prompt-to-prompt), or the same prompt on another seed. The second run goes
 * through its own GenerationState on the same Generator, so the source stays explorable while it
 * paints and a refused edit keeps both results. Checks that need no model run (unknown words,
 * prompts that cannot be aligned, a model without control inputs) answer at once, in one line.
 */
import type { GenerationRecord, GenerationSettings } from '../core/record.ts';
import { alignPrompts } from '../model/align.ts';
import { controlUnavailable } from '../model/control.ts';
import { InvalidInputError } from '../core/errors.ts';
import type { Generator } from '../model/generator.ts';
import { GenerationState } from './generation.svelte.ts';

export { controlUnavailable };

export type CompareKind = 'edit' | 'seeds';

export class EditState {
  readonly run: GenerationState;
  /** The edited prompt (the `Edited prompt` textbox). */
  prompt = $state('');
  /** Fraction of the steps that get the source's maps (the `Injection` slider). */
  inject = $state(0.5);
  kind = $state<CompareKind>('edit');
  /** The other seed when comparing two seeds of one prompt. */
  seed2 = $state(1);
  /** Why the last Apply was refused before running, or null. */
  #error = $state<string | null>(null);
  /** What is compared now (set by Apply, kept in the URL), or null. */
  #applied = $state.raw<{
    kind: CompareKind;
    prompt: string;
    inject: number;
    seed2: number;
  } | null>(null);

  constructor(generator: Generator) {
    this.run = new GenerationState(generator);
  }

  get error(): string | null {
    return this.#error ?? this.run.notice?.message ?? null;
  }
  get applied() {
    return this.#applied;
  }
  /** The second run's record once it matches the source on screen, else null. */
  record(source: GenerationRecord | null): GenerationRecord | null {
    const r = this.run.record;
    if (!r || !source || !this.#applied) return null;
    return r.steps.length > 0 ? r : null;
  }

  clear(): void {
    this.#applied = null;
    this.#error = null;
  }

  /** The settings of the second run for a complete source, or throws InvalidInputError. */
  plan(source: GenerationRecord, tokenize: (p: string) => ReturnType<GenerationState['tokenize']>) {
    const base = source.settings;
    if (this.kind === 'seeds') {
      if (this.seed2 === base.seed)
        throw new InvalidInputError('seed', `Pick a seed other than ${base.seed} to compare.`);
      const { edit: _e, ...plain } = base;
      return { ...plain, seed: this.seed2 } satisfies GenerationSettings;
    }
    const model = this.run.model;
    const unavailable = model ? controlUnavailable(model.manifest) : null;
    if (unavailable) throw new InvalidInputError('edit', unavailable);
    const prompt = this.prompt.trim();
    if (prompt === '')
      throw new InvalidInputError(
        'edit',
        'Type an edited prompt, e.g. the source with one word swapped.',
      );
    const src = tokenize(base.prompt);
    const dst = tokenize(prompt);
    if (src && dst && (this.inject > 0 || dst.unknown.length > 0)) alignPrompts(src, dst);
    return {
      prompt,
      seed: base.seed,
      steps: base.steps,
      guidance: base.guidance,
      edit: {
        source: {
          prompt: base.prompt,
          seed: base.seed,
          ...(base.weights ? { weights: base.weights } : {}),
        },
        inject: this.inject,
      },
    } satisfies GenerationSettings;
  }

  /** Runs the comparison against `source` (complete). Returns the record, or null if refused. */
  async apply(source: GenerationRecord): Promise<GenerationRecord | null> {
    this.#error = null;
    this.run.dismissNotice();
    if (this.run.modelStatus !== 'ready' && !(await this.run.load())) return null;
    let settings: GenerationSettings;
    try {
      settings = this.plan(source, (p) => this.run.tokenize(p));
    } catch (e) {
      this.#error = e instanceof Error ? e.message : String(e);
      return null;
    }
    const previous = this.#applied;
    this.#applied = {
      kind: this.kind,
      prompt: this.prompt.trim(),
      inject: this.inject,
      seed2: this.seed2,
    };
    const record = await this.run.generate(settings, settings.edit ? source : undefined);
    // Refused or cancelled: the previous comparison (GenerationState keeps its record) stays.
    if (!record && !this.run.running) this.#applied = previous;
    return record;
  }
}
