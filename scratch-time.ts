// scratch: interleaved timing of UNet files (not committed)
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
ort.env.wasm.numThreads = 2;
ort.env.logLevel = 'error';
const files = process.argv.slice(2);
const batch = Number(process.env.B ?? 2);
function fill(n: number, seed: number) { const o = new Float32Array(n); let s = seed; for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; o[i] = s / 2 ** 31 - 1; } return o; }
const sess = [] as ort.InferenceSession[];
for (const f of files) sess.push(await ort.InferenceSession.create(readFileSync(f), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } } as any));
const feeds = (s: ort.InferenceSession) => { const f: Record<string, ort.Tensor> = {
  sample: new ort.Tensor('float32', fill(batch * 3072, 1), [batch, 3, 32, 32]),
  timestep: new ort.Tensor('float32', new Float32Array(batch).fill(500), [batch]),
  text_embeddings: new ort.Tensor('float32', fill(batch * 20 * 128, 2), [batch, 20, 128]) };
  for (const n of s.inputNames) if (!(n in f)) { const md = (s as any).inputMetadata?.find?.((m: any) => m.name === n); const shape = (md?.shape ?? []).map((d: any) => typeof d === 'number' ? d : batch); const size = shape.reduce((a: number, b: number) => a * b, 1);
    f[n] = new ort.Tensor('float32', new Float32Array(size).fill(n === 'token_scale' ? 1 : n === 'guidance' ? 4 : 0), shape); }
  return f; };
const outs = await Promise.all(sess.map((s) => s.run(feeds(s))));
const a = outs[0]!.model_output!.data as Float32Array;
outs.forEach((o, i) => { const b = o.model_output!.data as Float32Array; let m = 0; for (let j = 0; j < a.length; j++) m = Math.max(m, Math.abs(a[j]! - b[j]!)); console.log(files[i], 'max|d| vs first', m.toFixed(4)); });
const times: number[][] = sess.map(() => []);
for (let r = 0; r < 60; r++) for (let k = 0; k < sess.length; k++) { const i = (r % 2 === 0) ? k : sess.length - 1 - k; const f = feeds(sess[i]!); const t = performance.now(); await sess[i]!.run(f); if (r >= 5) times[i]!.push(performance.now() - t); }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
files.forEach((f, i) => console.log(f, 'batch', batch, 'median ms', med(times[i]!).toFixed(2), 'ratio vs first', (med(times[i]!) / med(times[0]!)).toFixed(3)));
