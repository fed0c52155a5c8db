// Cross-runtime check of an exported package against the PyTorch golden fixture, with onnxruntime-node
// (Python has no onnxruntime here). Used by export.py when node and node_modules are present.
//   node training/verify_onnx.mjs public/models/scenes test/fixtures/golden.json
import fs from "node:fs";
import path from "node:path";
import * as ort from "onnxruntime-node";

const [pkg, goldenPath] = process.argv.slice(2);
const golden = JSON.parse(fs.readFileSync(goldenPath, "utf8"));
const f32 = (t) => {
  const b = Buffer.from(t.data_b64, "base64");
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};
const maxDiff = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

const te = await ort.InferenceSession.create(path.join(pkg, "text_encoder.onnx"));
const unet = await ort.InferenceSession.create(path.join(pkg, "unet.onnx"));
const ids = golden.input_ids.flat();
const T = golden.input_ids[0].length;
const B = golden.input_ids.length;
const inputIds = new ort.Tensor("int64", BigInt64Array.from(ids.map(BigInt)), [B, T]);
const { text_embeddings } = await te.run({ input_ids: inputIds });
const base = {
  sample: new ort.Tensor("float32", f32(golden.sample), golden.sample.shape),
  timestep: new ort.Tensor("float32", Float32Array.from(golden.timestep), [B]),
  text_embeddings: new ort.Tensor("float32", f32(golden.text_embeddings), golden.text_embeddings.shape),
};
// Contract v2 packages have control inputs: fed neutral (scale 1, weight 0, maps 0) for the plain step.
const control = unet.inputNames.includes("token_scale");
const neutral = {};
// A guidance-distilled package's scale input, as the golden step used it.
const guidance = unet.inputNames.includes("guidance")
  ? { guidance: new ort.Tensor("float32", Float32Array.from(golden.guidance), [B]) }
  : {};
const controlNames = unet.inputNames.slice(3).filter((n) => n !== "guidance");
if (control) {
  for (const name of controlNames) {
    const ref = golden.controlled.inject[name] ?? golden.controlled[name];
    const data = new Float32Array(ref.shape.reduce((a, b) => a * b, 1));
    if (name === "token_scale") data.fill(1);
    neutral[name] = new ort.Tensor("float32", data, ref.shape);
  }
}
const report = { text_embeddings: maxDiff(text_embeddings.data, f32(golden.text_embeddings)) };
const compare = (out, outputs, prefix) => {
  for (const [name, ref] of Object.entries(outputs)) {
    if (!out[name]) throw new Error(`unet.onnx has no output ${name}`);
    if (out[name].dims.join() !== ref.shape.join()) throw new Error(`${name}: dims ${out[name].dims} != ${ref.shape}`);
    report[prefix + name] = maxDiff(out[name].data, f32(ref));
  }
};
compare(await unet.run({ ...base, ...neutral, ...guidance }), golden.outputs, "");
if (control) {
  const c = golden.controlled;
  const feeds = { ...base, ...guidance };
  for (const name of controlNames) {
    const ref = c.inject[name] ?? c[name];
    feeds[name] = new ort.Tensor("float32", f32(ref), ref.shape);
  }
  compare(await unet.run(feeds), c.outputs, "controlled:");
}
console.log(JSON.stringify(report));
