/**
 * `npm run bench`: how fast the embedded model runs where Wordlight runs it.
 *   - median UNet step (one session.run) at batch 1 and 2: onnxruntime-web WASM with 1 and 2
 *     threads, beside native onnxruntime-node (CPU EP, 1 and 2 intra-op threads), same model;
 *   - a full guided generation with full capture through the real engine on WASM 2 threads;
 *   - capture overhead (all attention outputs fetched vs model_output only);
 *   - record bytes; per-op profile of a step (WASM vs native) to say what dominates;
 *   - hover and scrub latency in headless Chromium, and a GIF export (hooks.ts).
 * Prints a table and writes bench/results.json (keys documented in bench/README.md).
 * Options: --model DIR (default public/models/scenes), --out FILE, --quick (few reps, a smoke run),
 * --only TEXT (only the hook rows whose id, or whose hook's id, contains TEXT, e.g. `--only chart`;
 * no model-session rows; results to bench/results-only.json unless --out is given),
 * --baseline REF (the browser generation rows also time the app built from that git commit,
 * alternating with this one: "today's" app beside the current one in one run; built-app.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseOptions } from '../args.ts';
import { dirSource } from '../../model/fs-source.ts';
import { loadManifest } from '../../model/manifest.ts';
import { DEFAULT_MODEL_DIR } from '../../model/node-model.ts';
import { runWasmChild } from './child.ts';
import { HOOKS, onlyHooks, runHook, type HookOptions, type HookOutcome } from './hooks.ts';
import { controlRows } from './control-rows.ts';
import { listedModelDirs } from './model-dirs.ts';
import { modelRows } from './models.ts';
import { compareOps, generationRows, stepRows, TARGETS } from './rows.ts';
import { formatTable } from './table.ts';
import type { BenchRow } from './types.ts';
import { versions } from './versions.ts';

const BATCHES = [1, 2];

/**
 * Repetitions: up to `reps`, but each measurement stops once its time budget is spent (after at
 * least `minReps`), so the whole bench stays under 3 minutes even on 2 busy cores — about 1 minute
 * when the machine is idle, plus whatever the hook benches take.
 */
const FULL = {
  step: { warmup: 3, reps: 40, minReps: 10, budgetMs: 10_000 },
  capture: { warmup: 3, reps: 40, minReps: 10, budgetMs: 12_000 },
  generation: { warmup: 1, reps: 5, minReps: 3, budgetMs: 40_000 },
  profileRuns: 8,
  control: {
    step: { warmup: 3, reps: 40, minReps: 10, budgetMs: 12_000 },
    generation: { warmup: 1, reps: 6, minReps: 4, budgetMs: 40_000 },
  },
  models: { warmup: 1, reps: 8, minReps: 4, budgetMs: 60_000 },
};
const QUICK = {
  step: { warmup: 1, reps: 3 },
  capture: { warmup: 1, reps: 3 },
  generation: { warmup: 0, reps: 1 },
  profileRuns: 2,
  control: { step: { warmup: 1, reps: 3 }, generation: { warmup: 0, reps: 1 } },
  models: { warmup: 0, reps: 1 },
};

const OPTIONS = {
  model: { type: 'string', default: DEFAULT_MODEL_DIR },
  out: { type: 'string' },
  quick: { type: 'boolean', default: false },
  only: { type: 'string' },
  baseline: { type: 'string' },
} as const;

export async function runBench(argv: string[]): Promise<number> {
  const values = parseOptions(
    argv,
    OPTIONS,
    'npm run bench -- [--model DIR] [--out FILE] [--quick] [--baseline REF] [--only TEXT]',
  );
  if (values.only !== undefined)
    return runOnly(values.only, values.out ?? 'bench/results-only.json', {
      ...(values.baseline ? { baseline: values.baseline } : {}),
    });
  const out = values.out ?? 'bench/results.json';
  const dir = values.model;
  const plan = values.quick ? QUICK : FULL;
  const started = performance.now();
  const loadBefore = loadavg();
  const manifest = await loadManifest(dirSource(dir));
  const preset = typeof manifest.training?.preset === 'string' ? manifest.training.preset : null;
  log(
    `model ${manifest.name} ${manifest.version} (training preset: ${preset ?? 'unknown'}) from ${dir}`,
  );

  const modelDirs = await listedModelDirs(dir);
  log('1 thread: WASM and native interleaved, per-op profiles (own process)…');
  const t1 = await runWasmChild({
    dir,
    threads: 1,
    step: plan.step,
    batches: BATCHES,
    profileRuns: plan.profileRuns,
  });
  log('2 threads: WASM and native interleaved, capture overhead, generations (own process)…');
  const t2 = await runWasmChild({
    dir,
    threads: 2,
    step: plan.step,
    batches: BATCHES,
    capture: plan.capture,
    generation: plan.generation,
    control: plan.control,
    ...(modelDirs.length > 1 ? { models: { dirs: modelDirs, generation: plan.models } } : {}),
  });

  const hooks: HookOutcome[] = [];
  for (const hook of HOOKS) {
    log(`hook ${hook.id}…`);
    const hookStart = performance.now();
    const outcome = await runHook(hook, values.baseline ? { baseline: values.baseline } : {});
    outcome.seconds = (performance.now() - hookStart) / 1000;
    if (outcome.status !== 'ran')
      log(`  ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
    hooks.push(outcome);
  }

  const rows: BenchRow[] = [
    ...stepRows([t1, t2]),
    ...generationRows(t2),
    ...controlRows(t2),
    ...modelRows(t2.models),
    ...hooks.flatMap((h) => h.rows),
  ];
  const wasmProfile = t1.wasmProfile ?? { byOp: [], topNodes: [] };
  const nativeProfile = t1.nativeProfile ?? { byOp: [], topNodes: [] };
  const profile = {
    batch: 2,
    threads: 1,
    runs: plan.profileRuns,
    byFamily: compareOps(wasmProfile.byOp, nativeProfile.byOp),
    wasm: wasmProfile,
    native: nativeProfile,
  };

  console.log(`\n${formatTable(rows)}\n`);
  console.log('Where a WASM step goes (ORT profiler, batch 2, 1 thread; kernel time per run):');
  for (const f of profile.byFamily) {
    console.log(
      `  ${f.family.padEnd(28)} WASM ${f.wasmMs.toFixed(2).padStart(7)} ms (${pct(f.wasmShare)})  native ${f.nativeMs.toFixed(2).padStart(6)} ms  ×${f.ratio.toFixed(1)}`,
    );
  }
  console.log('Most expensive WASM nodes:');
  for (const n of wasmProfile.topNodes.slice(0, 5)) {
    console.log(
      `  ${n.ms.toFixed(2).padStart(6)} ms (${pct(n.share)})  ${n.op} ${n.node}  ${n.inputs}`,
    );
  }

  const results = {
    schema: 1,
    date: new Date().toISOString(),
    wallSeconds: (performance.now() - started) / 1000,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
      ...versions(),
    },
    model: { dir, name: manifest.name, version: manifest.version, preset },
    targets: TARGETS,
    plan,
    rows,
    profile,
    hooks: hooks.map(({ id, status, error, seconds }) => ({
      id,
      status,
      error: error ?? null,
      seconds,
    })),
    wasmMultithreading: {
      where: 'Node (onnxruntime-web runs its pthread pool on worker_threads)',
      // CPU/wall over the timed WASM 2-thread steps: > 1 shows the second thread really worked.
      cpuPerWall: t2.steps.map((s) => ({
        batch: s.batch,
        wasm: s.wasmCpuPerWall,
        native: s.nativeCpuPerWall,
      })),
    },
  };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out} in ${results.wallSeconds.toFixed(0)} s`);
  return 0;
}

/** `--only TEXT`: just the matching hook rows (see onlyHooks), e.g. the chart rows. */
async function runOnly(text: string, out: string, opts: HookOptions): Promise<number> {
  const started = performance.now();
  const loadBefore = loadavg();
  const { hooks, keep } = onlyHooks(text);
  if (hooks.length === 0) {
    console.error(
      `--only ${text}: no bench row matches (hooks: ${HOOKS.map((h) => h.id).join(', ')})`,
    );
    return 2;
  }
  const rows: BenchRow[] = [];
  for (const hook of hooks) {
    log(`hook ${hook.id}…`);
    const outcome = await runHook(hook, opts);
    if (outcome.status !== 'ran') {
      log(`  ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}`);
      return 1;
    }
    rows.push(...outcome.rows.filter((r) => keep(hook.id, r)));
  }
  console.log(`\n${formatTable(rows)}\n`);
  const results = {
    schema: 1,
    date: new Date().toISOString(),
    only: text,
    wallSeconds: (performance.now() - started) / 1000,
    machine: { cpus: cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
    rows,
  };
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out} in ${results.wallSeconds.toFixed(0)} s`);
  return 0;
}

function pct(share: number): string {
  return `${(100 * share).toFixed(0).padStart(2)}%`;
}

function log(msg: string): void {
  console.error(`[bench] ${msg}`);
}

/** `wordlight bench …` */
export const benchCommand = { run: runBench };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBench(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
