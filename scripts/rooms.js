/**
 * The rooms of src/ and what each may import: one table read by eslint.config.js (the
 * no-restricted-imports rule per folder, so `npm run lint` refuses a forbidden import) and by
 * test/unit/architecture/rooms.test.ts (which also proves the rule bites and that the real import
 * graph has no loop). docs/ARCHITECTURE.md explains each room; change the three together.
 *
 * A room may import itself, the rooms listed here and npm packages not listed in PACKAGES for it.
 * The table is a layering (each room lists only rooms above it), so no two rooms can import each
 * other, directly or around a loop. Top-level files: src/main.ts (the composition root) may import
 * anything; src/App.svelte belongs with components.
 */
export const ROOMS = {
  core: [],
  model: ['core'],
  attention: ['core'],
  render: ['core'],
  export: ['core', 'attention', 'render'],
  scoring: ['core', 'attention'],
  state: ['core', 'model', 'attention', 'render', 'export', 'scoring'],
  components: ['core', 'state', 'render'],
  cli: ['core', 'model', 'attention', 'render', 'export', 'scoring'],
};

/**
 * npm packages a room must not import: the model runs only in model/ (and the bench in cli/), three
 * only in render/, Svelte only in state/ and components/. tfjs is a dev dependency: the word-map
 * engine's reference in test/, never shipped (docs/ARCHITECTURE.md, "The word-map engine").
 */
const ORT = ['onnxruntime-web', 'onnxruntime-node'];
const TF = ['@tensorflow/tfjs'];
const THREE = ['three'];
export const PACKAGES = {
  core: [...ORT, ...TF, ...THREE, 'svelte'],
  model: [...TF, ...THREE, 'svelte'],
  attention: [...ORT, ...TF, ...THREE, 'svelte'],
  render: [...ORT, ...TF, 'svelte'],
  export: [...ORT, ...TF, ...THREE, 'svelte'],
  scoring: [...ORT, ...TF, ...THREE, 'svelte'],
  state: [...ORT, ...TF, ...THREE],
  components: [...ORT, ...TF, ...THREE],
  cli: [...TF, ...THREE, 'svelte'],
};

export const ROOM_NAMES = Object.keys(ROOMS);

/** A relative import that reaches into `room` (…/room/…), as a regular expression source. */
export function roomImportPattern(room) {
  return `^\\.{1,2}/(?:\\.\\./)*${room}/`;
}

/** no-restricted-imports options for files of `room`. */
export function restrictedImports(room) {
  const forbidden = ROOM_NAMES.filter((r) => r !== room && !ROOMS[room].includes(r));
  return {
    paths: PACKAGES[room].map((name) => ({
      name,
      message: `src/${room}/ must not import ${name} (docs/ARCHITECTURE.md, "Rooms").`,
    })),
    patterns: forbidden.map((r) => ({
      regex: roomImportPattern(r),
      message: `src/${room}/ must not import src/${r}/ (docs/ARCHITECTURE.md, "Rooms"; table in scripts/rooms.js).`,
    })),
  };
}
