/**
 * Example prompts. A package lists its own in its manifest (`examples`, written by training/export.py
 * from its world); these, all inside the first (`scenes`, v1) model's vocabulary and grammar, serve a
 * package without them. The first one is what a first visit (a link without a prompt) generates, so
 * the page opens on a finished example.
 */
export const EXAMPLE_PROMPTS: readonly [string, ...string[]] = [
  'a red circle on the left and a blue square on the right',
  'a big yellow triangle at the top and a small green circle at the bottom',
  'a purple square in the center',
  'an orange circle on the right and a green triangle on the left',
];

/** The examples a model offers: its manifest's own, else the first package's. */
export function examplesFor(
  manifest: { examples?: string[] } | undefined,
): readonly [string, ...string[]] {
  const [first, ...rest] = manifest?.examples ?? [];
  return first === undefined ? EXAMPLE_PROMPTS : [first, ...rest];
}
