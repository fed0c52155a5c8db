/**
 * Per-operator time from ORT's own profiler, to say what dominates a UNet step.
 * onnxruntime-node writes the profile to a JSON file; onnxruntime-web's WASM build has no file
 * system and prints the same JSON (Chrome trace events) to the process's stdout instead, so the
 * WASM profile runs in a child process whose stdout the parent reads (child.ts).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelManifest } from '../../core/manifest-types.ts';
import { unetFeeds } from './feeds.ts';
import type { Ort, Session } from './ort-types.ts';

export interface OpTime {
  op: string;
  /** Summed kernel time per session.run, milliseconds. */
  ms: number;
  /** Nodes of this op type executed per run. */
  nodes: number;
  /** Fraction of all kernel time. */
  share: number;
}

export interface NodeTime {
  node: string;
  op: string;
  ms: number;
  share: number;
  /** Input shapes, e.g. "[2,64,32,32] [32,64,3,3] [32]". */
  inputs: string;
}

export interface Profile {
  byOp: OpTime[];
  /** The most expensive nodes, largest first. */
  topNodes: NodeTime[];
}

interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[] };
}

const TOP_NODES = 8;

/** Sums kernel times by op type and by node over `runs` profiled runs. */
export function summarize(events: readonly TraceEvent[], runs: number): Profile {
  const byOp = new Map<string, { ms: number; count: number }>();
  const byNode = new Map<string, NodeTime>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    const ms = (e.dur ?? 0) / 1000 / runs;
    total += ms;
    const o = byOp.get(op) ?? { ms: 0, count: 0 };
    o.ms += ms;
    o.count += 1 / runs;
    byOp.set(op, o);
    const node = e.name.slice(0, -'_kernel_time'.length);
    const n = byNode.get(node) ?? { node, op, ms: 0, share: 0, inputs: shapes(e) };
    n.ms += ms;
    byNode.set(node, n);
  }
  const share = (ms: number): number => (total > 0 ? ms / total : 0);
  return {
    byOp: [...byOp.entries()]
      .map(([op, o]) => ({ op, ms: o.ms, nodes: Math.round(o.count), share: share(o.ms) }))
      .sort((a, b) => b.ms - a.ms),
    topNodes: [...byNode.values()]
      .map((n) => ({ ...n, share: share(n.ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, TOP_NODES),
  };
}

function shapes(e: TraceEvent): string {
  return (e.args?.input_type_shape ?? [])
    .map((s) => `[${(Object.values(s)[0] ?? []).join(',')}]`)
    .join(' ');
}

/** The trace array in `text`: ORT prints `[` + one event per line + `]`, nothing else like it. */
export function parseTrace(text: string): TraceEvent[] {
  const start = text.indexOf('[\n{');
  const end = text.lastIndexOf('}\n]');
  if (start < 0 || end < 0) return [];
  return JSON.parse(text.slice(start, end + 3)) as TraceEvent[];
}

/**
 * Drops the warm-up run's events: they carry only timestamps, so cut at the end of the first
 * `model_run` event.
 */
export function dropWarmup(events: readonly TraceEvent[]): TraceEvent[] {
  const runs = events.filter((e) => e.name === 'model_run');
  const first = runs[0];
  if (first === undefined || runs.length < 2) return [...events];
  const cut = (first.ts ?? 0) + (first.dur ?? 0);
  return events.filter((e) => (e.ts ?? 0) > cut);
}

/**
 * Profiled runs of several sessions, alternating (WASM, native, WASM, …) so machine load hits each
 * profile alike; one warm-up run each first (first-run allocations would inflate the profile;
 * `dropWarmup` removes its events).
 */
export async function alternateRuns(
  sessions: readonly { session: Session; ort: Ort }[],
  manifest: ModelManifest,
  batch: number,
  runs: number,
): Promise<void> {
  const feeds = sessions.map((s) => unetFeeds(s.ort, manifest, batch));
  for (let i = 0; i < runs + 1; i++) {
    for (const [k, s] of sessions.entries()) await s.session.run(feeds[k] ?? {});
  }
}

/** Ends a WASM session's profiling: ORT prints the trace to the process's stdout (through the WASM
 * module's own fd writes, so it cannot be intercepted in-process); see `wasmProfile`. */
export async function endWasmProfile(session: Session): Promise<void> {
  await session.endProfiling();
}

/** Summary from the stdout of a process that ended a WASM profile. */
export function wasmProfile(stdout: string, runs: number): Profile {
  return summarize(dropWarmup(parseTrace(stdout)), runs);
}

/** Ends a native session's profiling and reads the file it wrote under `prefix`. */
export async function endNativeProfile(
  session: Session,
  prefix: string,
  runs: number,
): Promise<Profile> {
  await session.endProfiling();
  const dir = prefix.slice(0, prefix.lastIndexOf('/')) || '.';
  const base = prefix.slice(prefix.lastIndexOf('/') + 1);
  const file = (await readdir(dir)).find((f) => f.startsWith(base) && f.endsWith('.json'));
  if (file === undefined) return { byOp: [], topNodes: [] };
  const path = join(dir, file);
  const events = JSON.parse(await readFile(path, 'utf8')) as TraceEvent[];
  await rm(path, { force: true });
  return summarize(dropWarmup(events), runs);
}

export const nativeProfilePrefix = (): string => join(tmpdir(), `wordlight-bench-${process.pid}`);
