/**
 * Entry point: builds the generator (the model runs in a Web Worker), the explorer state and the
 * page. URL query options: `?ep=wasm|webgpu` forces an execution provider, `?model=<name>` picks
 * another package under /models/.
 */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { parseEpParam } from './model/execution-providers.ts';
import { WorkerGenerator } from './model/worker-generator.ts';
import { wordMapComputer } from './state/word-maps.ts';
import { Explorer } from './state/explorer.svelte.ts';
import { workerScoreClient } from './scoring/score-client.ts';

const query = new URLSearchParams(location.search);
const modelName = /^[\w.-]+$/.test(query.get('model') ?? '') ? query.get('model') : 'scenes';
let ep: ReturnType<typeof parseEpParam> = 'auto';
try {
  ep = parseEpParam(location.search);
} catch {
  // A bad ?ep= value is ignored (auto), like every other malformed URL field.
}

const generator = new WorkerGenerator({ modelUrl: `models/${modelName}/`, ep });
const explorer = new Explorer(generator, wordMapComputer, workerScoreClient());

// Test and bench hook: the explorer (state, renderer) of this page. Read-only use.
declare global {
  interface Window {
    __wordlight?: { explorer: Explorer };
  }
}
window.__wordlight = { explorer };

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
export default mount(App, { target, props: { explorer } });
