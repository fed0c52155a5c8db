/**
 * The CLI's side of the grammar check (src/model/grammar.ts): a prompt outside the loaded model's
 * grammar is said on stderr before it is generated, with what the model can do instead. It is still
 * generated as typed (seeing what a model does with such a prompt is a use of the tool).
 */
import { checkGrammar, type GrammarIssue } from '../model/grammar.ts';
import type { ModelManifest } from '../core/manifest-types.ts';

export function warnOutsideGrammar(
  manifest: ModelManifest,
  prompt: string,
  log: (line: string) => void = (line) => console.error(line),
): GrammarIssue[] {
  const issues = manifest.grammarSpec ? checkGrammar(prompt, manifest.grammarSpec) : [];
  for (const i of issues)
    log(
      `warning: "${prompt}" is outside model ${manifest.name}'s grammar: ${i.problem}. Instead: ${i.instead}.`,
    );
  return issues;
}
