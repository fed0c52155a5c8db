/**
 * One thread count, run in its own process by main.ts: onnxruntime-web fixes its WASM thread count
 * when the module first initialises, so 1 and 2 threads cannot share a process. Native
 * onnxruntime-node with the same thread count runs here too, interleaved with WASM run by run.
 * Usage: node --import tsx src/cli/bench/wasm-child.ts '<WasmChildArgs as JSON>'
 * Writes a WasmChildResult as JSON to `args.out`; stdout carries only ORT's WASM profiler trace.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ortWeb from 'onnxruntime-web';
import { dirSource } from '../../model/fs-source.ts';
import { loadManifest } from '../../model/manifest.ts';
import { benchEdit, controlCost, v1Unet, type ControlCost, type EditBench } from './control.ts';
import { benchGeneration, type GenerationBench } from './generation.ts';
import { benchModels, type ModelsBench } from './models.ts';
import type { Ort } from './ort-types.ts';
import {
  alternateRuns,
  endNativeProfile,
  endWasmProfile,
  nativeProfilePrefix,
  type Profile,
} from './profile.ts';
import { nativeSession, wasmSession } from './sessions.ts';
import { cpuPerWall, type Reps, type Samples } from './stats.ts';
import { captureOverhead, wasmVsNative, type CaptureOverhead } from './unet-steps.ts';

export interface WasmChildArgs {
  dir: string;
  threads: number;
  out: string;
  step: Reps;
  batches: number[];
  /** Capture-overhead pairs at batch 2; omitted: not measured. */
  capture?: Reps;
  /** Whole generations through the engine; omitted: not measured. */
  generation?: Reps;
  /** Profiled runs at batch 2, WASM and native alternating; omitted: none. */
  profileRuns?: number;
  /** Unused-control cost (v2 vs v1 graph) and edit-vs-plain generations; omitted: not measured. */
  control?: { step: Reps; generation: Reps };
  /** The same generation on every listed package (first = baseline), round-robin; omitted: none. */
  models?: { dirs: string[]; generation: Reps };
}

export interface StepResult {
  batch: number;
  native: Samples;
  wasm: Samples;
  /** WASM/native per interleaved pair. */
  ratios: number[];
  wasmCpuPerWall: number;
  nativeCpuPerWall: number;
}

export interface WasmChildResult {
  threads: number;
  steps: StepResult[];
  capture: CaptureOverhead | null;
  generation: GenerationBench | null;
  controlCost: ControlCost | null;
  edit: EditBench | null;
  models: ModelsBench | null;
  /** Native profile; the WASM one is filled in by the parent from this process's stdout. */
  nativeProfile: Profile | null;
  wasmProfile: Profile | null;
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as WasmChildArgs;
  ortWeb.env.logLevel = 'error';
  const ortNode = (await import('onnxruntime-node')) as unknown as Ort;
  const manifest = await loadManifest(dirSource(args.dir));
  const model = new Uint8Array(await readFile(join(args.dir, manifest.unet)));
  const result: WasmChildResult = {
    threads: args.threads,
    steps: [],
    capture: null,
    generation: null,
    controlCost: null,
    edit: null,
    models: null,
    nativeProfile: null,
    wasmProfile: null,
  };

  const t0 = performance.now();
  const log = (msg: string): void =>
    console.error(
      `[bench ${args.threads}t +${((performance.now() - t0) / 1000).toFixed(0)}s] ${msg}`,
    );
  const wasm = await wasmSession(ortWeb, model, args.threads);
  const native = await nativeSession(ortNode, model, args.threads);
  for (const batch of args.batches) {
    log(`UNet step, batch ${batch}`);
    const p = await wasmVsNative(ortWeb, wasm, ortNode, native, manifest, batch, args.step);
    result.steps.push({
      batch,
      native: p.a,
      wasm: p.b,
      ratios: p.ratios,
      wasmCpuPerWall: cpuPerWall(p.b),
      nativeCpuPerWall: cpuPerWall(p.a),
    });
  }
  await native.release();
  if (args.capture) log('capture overhead');
  if (args.capture) result.capture = await captureOverhead(ortWeb, wasm, manifest, args.capture);
  const v1 = args.control ? v1Unet(args.dir) : null;
  if (args.control && v1) {
    log('unused control inputs: v2 vs v1 graph');
    result.controlCost = await controlCost(
      ortWeb,
      wasm,
      manifest,
      v1,
      args.threads,
      args.control.step,
    );
  }
  await wasm.release();
  if (args.control) {
    log('edit (cached source) vs plain generation');
    result.edit = await benchEdit(args.dir, args.threads, args.control.generation);
  }

  if (args.generation)
    result.generation = await benchGeneration(args.dir, args.threads, args.generation);

  if (args.models) {
    log(`per-model generation cost: ${args.models.dirs.join(', ')}`);
    result.models = await benchModels(args.models.dirs, args.threads, args.models.generation);
  }

  if (args.profileRuns) {
    log('profiles');
    const prefix = nativeProfilePrefix();
    const wasmP = await wasmSession(ortWeb, model, args.threads, { profile: true });
    const nativeP = await nativeSession(ortNode, model, args.threads, {
      profile: true,
      profilePrefix: prefix,
    });
    const pair = [
      { session: wasmP, ort: ortWeb },
      { session: nativeP, ort: ortNode },
    ];
    await alternateRuns(pair, manifest, 2, args.profileRuns);
    result.nativeProfile = await endNativeProfile(nativeP, prefix, args.profileRuns);
    await endWasmProfile(wasmP);
    await Promise.all([wasmP.release(), nativeP.release()]);
  }
  await writeFile(args.out, JSON.stringify(result));
}

// process.exit: onnxruntime-web's pthread workers would otherwise keep the process alive.
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
