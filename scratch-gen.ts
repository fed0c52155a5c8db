import { createNodeGenerator } from './src/model/node-model.ts';
const dirs = process.argv.slice(2);
const gens = dirs.map((d) => { const [dir, unet] = d.split(':'); return createNodeGenerator({ dir, ep: 'wasm', threads: 2, unet: (unet as 'fp32') ?? 'table' }); });
const s = { prompt: 'a big red circle on the left and a small blue square on the right', seed: 0, steps: 25, guidance: 4 };
for (const g of gens) { const i = await g.load(); }
const times: number[][] = gens.map(() => []);
for (let r = 0; r < 7; r++) for (let k = 0; k < gens.length; k++) { const i = r % 2 ? gens.length - 1 - k : k; const t = performance.now(); const rec = await gens[i]!.generate(s); if (r > 0) times[i]!.push(performance.now() - t); if (r === 0) console.log(dirs[i], 'final[0..3]', Array.from(rec.final!.slice(0, 3)).map((v) => v.toFixed(3)).join(','), 'steps', rec.steps.length, 'attn', rec.steps[0]!.attention.map((a) => a.length).join('/')); }
const med = (x: number[]) => [...x].sort((p, q) => p - q)[Math.floor(x.length / 2)]!;
dirs.forEach((d, i) => console.log(d, 'median ms', med(times[i]!).toFixed(0), 'ratio', (med(times[i]!) / med(times[0]!)).toFixed(3)));
for (const g of gens) await g.dispose();
