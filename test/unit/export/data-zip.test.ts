import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataZip, type DataIndex } from '../../../src/export/data-zip.ts';
import { ExportCancelledError } from '../../../src/export/errors.ts';
import { wordMapSeries } from '../../../src/attention/series.ts';
import { fakeRecord } from './fake-record.ts';

const record = fakeRecord(4);
const dir = mkdtempSync(join(tmpdir(), 'wordlight-zip-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** numpy's view of every .npy in `root`: shape, dtype and a few values, as JSON. */
function numpySummary(
  root: string,
  files: string[],
): Record<string, { shape: number[]; dtype: string; values: number[] }> {
  const script = `
import json, sys, numpy as np
out = {}
for f in sys.argv[2:]:
    a = np.load(sys.argv[1] + '/' + f)
    flat = a.reshape(-1)
    idx = [0, len(flat) // 3, len(flat) // 2, len(flat) - 1]
    out[f] = {'shape': list(a.shape), 'dtype': str(a.dtype), 'values': [float(flat[i]) for i in idx]}
print(json.dumps(out))
`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, root, ...files], { encoding: 'utf8' }),
  );
}

function pick(a: Float32Array): number[] {
  return [0, Math.floor(a.length / 3), Math.floor(a.length / 2), a.length - 1].map(
    (i) => a[i] ?? NaN,
  );
}

describe('data zip', () => {
  it('holds .npy files numpy loads as they are, equal to the record, described by index.json', async () => {
    const zipped = await buildDataZip({ record, maps: wordMapSeries(record) });
    const entries = unzipSync(zipped);
    const index = JSON.parse(strFromU8(entries['index.json'] ?? new Uint8Array())) as DataIndex;
    const paths = index.files.map((f) => f.path);
    expect(Object.keys(entries).sort()).toEqual([...paths, 'index.json'].sort());
    for (const [path, bytes] of Object.entries(entries)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), bytes);
    }

    const np = numpySummary(dir, paths);
    for (const f of index.files) {
      expect(np[f.path]?.shape, f.path).toEqual(f.shape);
      expect(np[f.path]?.dtype, f.path).toBe('float32');
    }

    // Raw attention: [steps, heads, h*w, T], exactly the record's values.
    const T = record.tokens.length;
    record.layers.forEach((layer, l) => {
      const entry = index.files.find((f) => f.layer === layer.output);
      expect(entry?.shape).toEqual([4, layer.heads, layer.resolution[0] * layer.resolution[1], T]);
      const all = new Float32Array(record.steps.flatMap((s) => Array.from(s.attention[l] ?? [])));
      expect(np[entry?.path ?? '']?.values).toEqual(pick(all));
    });
    // Images.
    expect(np['image.npy']?.values).toEqual(pick(record.final ?? new Float32Array()));
    expect(np['x0.npy']?.shape).toEqual([4, 3, 16, 16]);

    // Per-word heatmaps: one [steps, h, w] per word, equal to the map source; plus the DAAM map.
    const maps = wordMapSeries(record);
    const red = index.files.find((f) => f.path === 'heatmaps/02_red.npy');
    expect(red?.shape).toEqual([4, 8, 8]);
    const perStep = new Float32Array(
      [0, 1, 2, 3].flatMap((k) => Array.from(maps.map(2, k, false)?.data ?? [])),
    );
    expect(np['heatmaps/02_red.npy']?.values).toEqual(pick(perStep));
    const daam = np['heatmaps/02_red_all.npy'];
    expect(daam?.shape).toEqual([8, 8]);
    for (const v of daam?.values ?? []) expect(v >= 0 && v <= 1).toBe(true);

    // The index says what everything is.
    expect(index.words.map((w) => w.word)).toEqual(record.words.map((w) => w.word));
    expect(index.layers.map((l) => l.output)).toEqual(['attn_down_1_0', 'attn_mid_0_0']);
    expect(index.steps).toBe(4);
    expect(index.tokens).toHaveLength(T);
    for (const f of index.files) expect(f.meaning.length).toBeGreaterThan(10);
  });

  it('a repeated word ("a" twice) gets one file per token position', async () => {
    const entries = unzipSync(await buildDataZip({ record, maps: wordMapSeries(record) }));
    expect(entries['heatmaps/01_a.npy']).toBeDefined();
    expect(entries['heatmaps/05_a.npy']).toBeDefined();
  });

  it('cancels between files', async () => {
    const controller = new AbortController();
    const run = buildDataZip(
      { record, maps: wordMapSeries(record) },
      { signal: controller.signal, onProgress: (p) => p.done === 2 && controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(ExportCancelledError);
  });
});
