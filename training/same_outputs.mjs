// Do two packages compute the same thing when the control inputs are unused? Runs both UNets in
// onnxruntime-node on the golden step and on three random steps (batch 2), feeding a contract v2
// package neutral control (token_scale 1, inject_weight 0, inject maps 0), and prints the max abs
// difference per output (0 means bit-identical). Used when re-exporting a package to contract v2:
//   node training/same_outputs.mjs /path/to/v1-package public/models/scenes test/fixtures/golden.json
import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";

const [pkgA, pkgB, goldenPath] = process.argv.slice(2);
const golden = JSON.parse(fs.readFileSync(goldenPath, "utf8"));
const f32 = (t) => {
  const b = Buffer.from(t.data_b64, "base64");
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
let seed = 1;
const randn = (n) =>
  Float32Array.from({ length: n }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const u = (seed + 1) / (2 ** 31 + 1);
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const v = (seed + 1) / (2 ** 31 + 1);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });

async function open(pkg) {
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, "manifest.json"), "utf8"));
  return { manifest, session: await ort.InferenceSession.create(path.join(pkg, manifest.unet)) };
}
function neutral({ manifest, session }, B) {
  const feeds = {};
  if (!manifest.control) return feeds;
  const T = manifest.tokenizer.maxTokens;
  feeds[manifest.control.tokenScale] = new ort.Tensor("float32", new Float32Array(B * T).fill(1), [B, T]);
  feeds[manifest.control.injectWeight] = new ort.Tensor("float32", new Float32Array(B * T), [B, T]);
  for (const a of manifest.attention) {
    const dims = [B, a.heads, a.resolution[0] * a.resolution[1], T];
    feeds[manifest.control.inject[a.output]] = new ort.Tensor(
      "float32",
      new Float32Array(dims.reduce((x, y) => x * y, 1)),
      dims,
    );
  }
  if (Object.keys(feeds).length !== session.inputNames.length - 3)
    throw new Error(`${manifest.unet}: control inputs ${session.inputNames.slice(3)} do not match the manifest`);
  return feeds;
}

const a = await open(pkgA);
const b = await open(pkgB);
const cases = [
  [f32(golden.sample), Float32Array.from(golden.timestep), f32(golden.text_embeddings)],
  ...[900, 500, 100].map((t) => [randn(2 * 3 * 32 * 32), Float32Array.from([t, t]), randn(golden.text_embeddings.shape.reduce((x, y) => x * y, 1))]),
];
const report = {};
for (const [sample, timestep, emb] of cases) {
  const feeds = {
    sample: new ort.Tensor("float32", sample, [2, 3, 32, 32]),
    timestep: new ort.Tensor("float32", timestep, [2]),
    text_embeddings: new ort.Tensor("float32", emb, golden.text_embeddings.shape),
  };
  const oa = await a.session.run({ ...feeds, ...neutral(a, 2) });
  const ob = await b.session.run({ ...feeds, ...neutral(b, 2) });
  for (const name of a.session.outputNames) {
    const d = oa[name].data.reduce((m, v, i) => Math.max(m, Math.abs(v - ob[name].data[i])), 0);
    report[name] = Math.max(report[name] ?? 0, d);
  }
}
console.log(JSON.stringify(report));
