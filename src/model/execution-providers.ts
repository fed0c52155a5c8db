/**
 * Execution-provider choice: ONE declarative table and ONE resolver (after transformers.js
 * `deviceToExecutionProviders`). WebGPU only when an adapter really exists and is not a fallback
 * (software) adapter — the headless fallback adapter is far slower than WASM — else WASM. The user
 * can force either with `?ep=wasm|webgpu`; the reason for the choice is always reported.
 */
import type { ExecutionProviderChoice, ExecutionProviderName } from '../core/record.ts';
import { InvalidInputError } from '../core/errors.ts';

export type Runtime = 'browser' | 'node';
export type EpRequest = 'auto' | ExecutionProviderName;

export interface ExecutionProviderEntry {
  name: ExecutionProviderName;
  /** Module implementing it. `onnxruntime-web/webgpu`: the plain import's WebGPU path rejects Conv
   * without kernel_shape, the newer backend accepts it. */
  module: 'onnxruntime-web/webgpu' | 'onnxruntime-web/wasm' | 'onnxruntime-node';
  /** Value for ORT's `executionProviders` session option. */
  ortProvider: string;
  runtimes: readonly Runtime[];
  /** Whether 'auto' may pick it (onnxruntime-node is for the bench only). */
  auto: boolean;
  /** Whether it needs a real (non-fallback) WebGPU adapter. */
  needsGpu: boolean;
  /** Which UNet file it runs: 'int8' takes the manifest's `unetInt8` when the package has one
   * (measured 0.64-0.75x the fp32 step on WASM); 'fp32' always the plain `unet`. */
  unet: 'int8' | 'fp32';
}

/** In order of preference for 'auto'. */
export const EXECUTION_PROVIDERS: readonly ExecutionProviderEntry[] = [
  {
    name: 'webgpu',
    module: 'onnxruntime-web/webgpu',
    ortProvider: 'webgpu',
    runtimes: ['browser'],
    auto: true,
    needsGpu: true,
    unet: 'fp32',
  },
  {
    name: 'wasm',
    // The lean WASM-only build in browsers (Node resolves it to the Node build; see ort.ts).
    module: 'onnxruntime-web/wasm',
    ortProvider: 'wasm',
    runtimes: ['browser', 'node'],
    auto: true,
    needsGpu: false,
    unet: 'int8',
  },
  {
    name: 'cpu',
    module: 'onnxruntime-node',
    ortProvider: 'cpu',
    runtimes: ['node'],
    auto: false,
    needsGpu: false,
    unet: 'fp32',
  },
];

export function providerEntry(name: ExecutionProviderName): ExecutionProviderEntry {
  const entry = EXECUTION_PROVIDERS.find((e) => e.name === name);
  if (!entry)
    throw new InvalidInputError('ep', `Unknown execution provider "${name}": use wasm or webgpu.`);
  return entry;
}

/** What the WebGPU probe found. */
export type WebGpuStatus =
  | { kind: 'unsupported' }
  | { kind: 'no-adapter' }
  | { kind: 'fallback'; description: string }
  | { kind: 'ok'; description: string };

export interface EpEnvironment {
  runtime: Runtime;
  webgpu: WebGpuStatus;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** Thread count override (Node, bench); otherwise min(2, cores) when isolated (1 in a browser
   * with ≤ 2 cores), else 1. */
  threads?: number;
}

/** Minimal structural WebGPU types, so this file does not need @webgpu/types. */
interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: {
    isFallbackAdapter?: boolean;
    vendor?: string;
    architecture?: string;
    description?: string;
  };
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

/** Asks `navigator.gpu` (window or worker) for an adapter and says whether it is a fallback. */
export async function probeWebGpu(nav: { gpu?: unknown } | undefined): Promise<WebGpuStatus> {
  const gpu = nav?.gpu as GpuLike | undefined;
  if (!gpu) return { kind: 'unsupported' };
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    return { kind: 'no-adapter' };
  }
  if (!adapter) return { kind: 'no-adapter' };
  const info = adapter.info ?? {};
  const description =
    [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown GPU';
  // `info.isFallbackAdapter` is current; `adapter.isFallbackAdapter` is the older, deprecated spot.
  const fallback = info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return fallback ? { kind: 'fallback', description } : { kind: 'ok', description };
}

/** Reads `?ep=wasm|webgpu` from a query string; anything else means 'auto'. */
export function parseEpParam(search: string): EpRequest {
  const value = new URLSearchParams(search).get('ep');
  return value === 'wasm' || value === 'webgpu' ? value : 'auto';
}

function wasmThreads(env: EpEnvironment): { threads: number; why: string } {
  if (env.threads !== undefined)
    return { threads: env.threads, why: `${env.threads} thread(s) as configured` };
  if (env.runtime === 'browser' && !env.crossOriginIsolated) {
    return {
      threads: 1,
      why: '1 thread (page is not cross-origin isolated, no SharedArrayBuffer)',
    };
  }
  const cores = env.hardwareConcurrency || 1;
  if (env.runtime === 'browser' && cores <= 2) {
    // The page needs a core of its own while it generates: its main thread and, without a GPU, the
    // GPU process compositing each live frame on the CPU (at a higher priority than the worker).
    // Two WASM threads then keep waiting for the one that was descheduled: on a 2-core machine one
    // thread ran a 25-step generation in 0.71x the time of two (issue 14, bench/README.md), and
    // with the page composited in software, as Chrome without a GPU does, one thread still took
    // 527 ms against two threads' 554-654 ms (session 7).
    return { threads: 1, why: `1 thread (${cores} core(s): one is left to the page)` };
  }
  const threads = Math.max(1, Math.min(2, cores));
  return { threads, why: `${threads} thread(s)` };
}

function choose(
  name: ExecutionProviderName,
  reason: string,
  env: EpEnvironment,
): ExecutionProviderChoice {
  if (name === 'webgpu') return { name, reason };
  const { threads, why } = wasmThreads(env);
  return { name, reason: `${reason}; ${why}`, threads };
}

function gpuProblem(status: WebGpuStatus): string | null {
  switch (status.kind) {
    case 'unsupported':
      return 'this browser has no WebGPU (navigator.gpu is missing)';
    case 'no-adapter':
      return 'WebGPU returned no adapter';
    case 'fallback':
      return `the WebGPU adapter (${status.description}) is a fallback (software) adapter, slower than WASM`;
    case 'ok':
      return null;
  }
}

/** The single resolver: a request ('auto' or a forced provider) plus the environment → a choice. */
export function resolveExecutionProvider(
  request: EpRequest,
  env: EpEnvironment,
): ExecutionProviderChoice {
  if (request !== 'auto') {
    const entry = providerEntry(request);
    if (!entry.runtimes.includes(env.runtime)) {
      const usable = EXECUTION_PROVIDERS.filter((e) => e.runtimes.includes(env.runtime)).map(
        (e) => e.name,
      );
      throw new InvalidInputError(
        'ep',
        `Execution provider "${request}" is not available in ${env.runtime}: use ${usable.join(' or ')}.`,
      );
    }
    if (entry.needsGpu) {
      // Forced WebGPU runs even on a fallback adapter (tests do this on purpose), but not without one.
      if (env.webgpu.kind === 'ok' || env.webgpu.kind === 'fallback') {
        const note =
          env.webgpu.kind === 'fallback'
            ? ' although the adapter is a fallback (software) adapter'
            : '';
        return choose('webgpu', `forced by ep=webgpu${note}`, env);
      }
      return choose(
        'wasm',
        `ep=webgpu was requested but ${gpuProblem(env.webgpu)}; using WASM`,
        env,
      );
    }
    return choose(entry.name, `forced by ep=${request}`, env);
  }
  for (const entry of EXECUTION_PROVIDERS) {
    if (!entry.auto || !entry.runtimes.includes(env.runtime)) continue;
    if (entry.needsGpu) {
      const problem = gpuProblem(env.webgpu);
      if (problem === null && env.webgpu.kind === 'ok') {
        return choose(entry.name, `WebGPU adapter available (${env.webgpu.description})`, env);
      }
      continue;
    }
    const why =
      env.runtime === 'browser'
        ? `${gpuProblem(env.webgpu) ?? 'WebGPU unavailable'}`
        : 'Node runs onnxruntime-web on WASM';
    return choose(entry.name, `WASM: ${why}`, env);
  }
  // Unreachable: WASM runs everywhere.
  return choose('wasm', 'WASM: no other provider applies', env);
}

/** Probes the current global scope (window or worker) and resolves. */
export async function chooseExecutionProvider(
  request: EpRequest,
  threads?: number,
): Promise<ExecutionProviderChoice> {
  const isBrowser = typeof navigator !== 'undefined' && typeof process === 'undefined';
  const env: EpEnvironment = {
    runtime: isBrowser ? 'browser' : 'node',
    webgpu: isBrowser ? await probeWebGpu(navigator as { gpu?: unknown }) : { kind: 'unsupported' },
    crossOriginIsolated: typeof crossOriginIsolated !== 'undefined' && crossOriginIsolated,
    hardwareConcurrency: typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 1 : 1,
  };
  if (threads !== undefined) env.threads = threads;
  return resolveExecutionProvider(request, env);
}
