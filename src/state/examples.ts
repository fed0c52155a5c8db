/**
 * Example prompts, all inside the scenes model's vocabulary and grammar. The first one is what a
 * first visit (a link without a prompt) generates, so the page opens on a finished example.
 */
export const EXAMPLE_PROMPTS: readonly [string, ...string[]] = [
  'a red circle on the left and a blue square on the right',
  'a big yellow triangle at the top and a small green circle at the bottom',
  'a purple square in the center',
  'an orange circle on the right and a green triangle on the left',
];
