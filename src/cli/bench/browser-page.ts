/**
 * Page side of the browser generation bench (browser-generation.ts): the instrumentation installed
 * before the app's scripts and the click → final frame measurement, both run inside the page.
 */
/** Installed before the app's scripts: notes when each worker 'step' message arrives and when the
 * main thread is free again after it, and times renderer draws. */
export const INSTRUMENT = `
globalThis.__name = (f) => f;
globalThis.__benchSteps = [];
const NativeWorker = globalThis.Worker;
globalThis.Worker = class extends NativeWorker {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (ev) => {
      const d = ev.data;
      if (!d || d.type !== 'step') return;
      const recvAt = performance.now();
      const rec = { id: d.id, recvAt, latency: typeof d.sentAt === 'number' ? performance.timeOrigin + recvAt - d.sentAt : NaN,
                    workerMs: d.step.ms, freeAt: NaN };
      globalThis.__benchSteps.push(rec);
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { rec.freeAt = performance.now(); ch.port1.close(); };
      ch.port2.postMessage(null);
    });
  }
};`;

export interface PageRun {
  totalMs: number;
  /** Click → the first step message's arrival (text encoder, step 1, delivery). */
  firstStepMs: number;
  /** The last step message's arrival → the final frame (the run resolving, maps, drawing). */
  tailMs: number;
  workerMs: number[];
  latencyMs: number[];
  mainMs: number[];
  drawMs: number;
  draws: number;
  /** WASM threads the page's engine ran with (the record's provider). */
  threads: number;
}

/** In the page: click Generate, resolve at the first animation frame after the run finished. */
export async function clickToFinalFrame(steps: number): Promise<PageRun> {
  type Bench = {
    __benchSteps: {
      id: number;
      latency: number;
      workerMs: number;
      recvAt: number;
      freeAt: number;
    }[];
  };
  const g = globalThis as unknown as Bench;
  const ex = window.__wordlight!.explorer;
  const r = ex.renderer!;
  ex.settings.steps = steps;
  let pending: Promise<void> | null = null;
  const generate = ex.generate.bind(ex);
  ex.generate = (follow?: boolean) => (pending = generate(follow));
  const render = r.render.bind(r);
  let drawMs = 0;
  let draws = 0;
  r.render = () => {
    const t = performance.now();
    render();
    drawMs += performance.now() - t;
    draws++;
  };
  // A generation still running (the first visit's example) would be cancelled by the click, and
  // its last step messages could land among this run's: wait for it to end.
  while (ex.generation.running) await new Promise((res) => setTimeout(res, 20));
  g.__benchSteps = [];
  const button = [...document.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === 'Generate',
  );
  if (!button) throw new Error('no Generate button');
  await new Promise((res) => requestAnimationFrame(res));
  const t0 = performance.now();
  button.click();
  if (!pending) throw new Error('the click did not start a generation');
  await pending;
  await new Promise((res) => requestAnimationFrame(res));
  const end = performance.now();
  const totalMs = end - t0;
  ex.generate = generate;
  r.render = render;
  await new Promise((res) => setTimeout(res, 50));
  // Only this run's messages (the worker's request id of the last one).
  const runId = g.__benchSteps[g.__benchSteps.length - 1]?.id;
  const s = g.__benchSteps.filter((x) => x.id === runId);
  if (!ex.record?.complete || ex.record.steps.length !== steps || s.length !== steps)
    throw new Error(`generation incomplete (${s.length}/${steps} steps)`);
  return {
    totalMs,
    firstStepMs: (s[0]?.recvAt ?? NaN) - t0,
    tailMs: end - (s[s.length - 1]?.recvAt ?? NaN),
    workerMs: s.map((x) => x.workerMs),
    latencyMs: s.map((x) => x.latency),
    mainMs: s.map((x) => x.freeAt - x.recvAt),
    drawMs,
    draws,
    threads: ex.record.ep.threads ?? 1,
  };
}
