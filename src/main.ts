/**
 * The composition root: the one file that wires the rooms together (docs/ARCHITECTURE.md). It
 * builds the generator (model/, running in a Web Worker), hands it and the word-map engine to the
 * explorer state (state/) and mounts the page (components/). No other file picks implementations.
 * URL query options: `?ep=wasm|webgpu` forces an execution provider, `?model=<name>` picks
 * another package under /models/ (default: the one `models/index.json` names; the Model picker
 * sets it).
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { parseEpParam } from './model/execution-providers.ts';
import { WorkerGenerator } from './model/worker-generator.ts';
import { wordMapComputer } from './state/word-maps.ts';
import { Explorer } from './state/explorer.svelte.ts';
import { workerScoreClient } from './scoring/score-client.ts';
import { chooseModel, loadModelIndex } from './state/model-index.ts';

const query = new URLSearchParams(location.search);
let ep: ReturnType<typeof parseEpParam> = 'auto';
try {
  ep = parseEpParam(location.search);
} catch {
  // A bad ?ep= value is ignored (auto), like every other malformed URL field.
}

// Test and bench hook: the explorer (state, renderer) of this page. Read-only use.
declare global {
  interface Window {
    __wordlight?: { explorer: Explorer };
  }
}

async function boot(): Promise<void> {
  const index = await loadModelIndex();
  const modelName = chooseModel(query.get('model'), index);
  const generator = new WorkerGenerator({ modelUrl: `models/${modelName}/`, ep });
  const explorer = new Explorer(generator, wordMapComputer, workerScoreClient());
  window.__wordlight = { explorer };
  const target = document.getElementById('app');
  if (!target) throw new Error('index.html has no #app element');
  mount(App, { target, props: { explorer, models: { index, current: modelName } } });
}

void boot();

// Offline after the first visit: sw.js is generated at build time by vite-plugin-pwa (Workbox,
// configured in vite.config.ts). Production builds only: in development a service worker would
// serve stale modules to the dev server's reloads.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`).catch((e: unknown) => {
    console.warn('Offline support unavailable:', e);
  });
}
