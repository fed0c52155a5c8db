/**
 * Kept for existing imports (test/unit/state/export.test.ts): the app's MapComputer now lives in
 * word-maps.ts (same DAAM math as src/attention/aggregate.ts, in plain loops, checked against it).
 */
export { wordMapComputer as attentionMapComputer } from './word-maps.ts';
