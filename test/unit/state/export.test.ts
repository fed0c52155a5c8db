import { describe, expect, it } from 'vitest';
import type { GenerationRecord } from '../../../src/core/record.ts';
import type {
  GenerationHandlers,
  Generator,
  LoadedModelInfo,
} from '../../../src/model/generator.ts';
import type { ModelManifest } from '../../../src/core/manifest-types.ts';
import { wordMapComputer } from '../../../src/state/word-maps.ts';
import { Explorer } from '../../../src/state/explorer.svelte.ts';
import { ExportState, type ExportDeps } from '../../../src/state/export.svelte.ts';
import { decodeGif, decodePng } from '../export/helpers.ts';
import { fakeRecord, PROMPT } from '../export/fake-record.ts';
import { createCpuFrameRenderer } from '../../../src/export/frame-renderer.ts';
import { rasterizeSvgInNode } from '../../../src/cli/svg-raster.ts';

/** Resolves every generation with the synthetic record at once. */
class InstantGenerator implements Generator {
  async load(): Promise<LoadedModelInfo> {
    const manifest = {
      name: 'fake',
      version: '0',
      defaults: { steps: 6, guidance: 3, seed: 42 },
    } as unknown as ModelManifest;
    return { manifest, source: 'fake', ep: { name: 'cpu', reason: 'test' }, loadMs: 0 };
  }
  async generate(_: unknown, handlers: GenerationHandlers = {}): Promise<GenerationRecord> {
    const record = fakeRecord(6);
    handlers.onBegin?.(
      { ...record, steps: [] },
      { ids: [], tokens: [], words: [], unknown: [], truncated: [] },
    );
    return record;
  }
  cancel(): void {}
  async dispose(): Promise<void> {}
}

function setup(deps: Partial<ExportDeps> = {}) {
  const ex = new Explorer(new InstantGenerator(), wordMapComputer);
  const saved: { bytes: Uint8Array; name: string; mime: string }[] = [];
  const exp = new ExportState(ex, {
    createRenderer: createCpuFrameRenderer,
    save: (bytes, name, mime) => saved.push({ bytes, name, mime }),
    videoSupport: async () => ({ supported: false, reason: 'No VideoEncoder in this test.' }),
    rasterize: rasterizeSvgInNode,
    ...deps,
  });
  return { ex, exp, saved };
}

async function generated() {
  const s = setup();
  s.ex.settings.prompt = PROMPT;
  await s.ex.generate();
  return s;
}

describe('ExportState', () => {
  it('is disabled with a hint before anything is generated', async () => {
    const { exp, saved } = setup();
    expect(exp.canStart).toBe(false);
    expect(exp.disabledReason).toMatch(/Generate an image first/);
    await exp.start();
    expect(saved).toHaveLength(0);
  });

  it('exports a GIF of the pinned word, one frame per step, and saves it under a telling name', async () => {
    const { ex, exp, saved } = await generated();
    ex.togglePin(2); // "red"
    exp.size = 256;
    expect(exp.viewPositions).toEqual([2]);
    await exp.start();
    expect(exp.error).toBeNull();
    expect(saved).toHaveLength(1);
    expect(saved[0]?.name).toBe('wordlight-a-red-circle-and-a-blue-s42-red-steps1-6.gif');
    expect(saved[0]?.mime).toBe('image/gif');
    const gif = decodeGif(saved[0]?.bytes ?? new Uint8Array());
    expect(gif.frames).toHaveLength(6);
    expect(gif.width).toBe(256);
  });

  it('exports a PNG of the current view and a poster', async () => {
    const { ex, exp, saved } = await generated();
    ex.togglePin(6);
    exp.format = 'png';
    exp.size = 256;
    await exp.start();
    expect(decodePng(saved[0]?.bytes ?? new Uint8Array()).width).toBe(256);
    expect(saved[0]?.name).toBe('wordlight-a-red-circle-and-a-blue-s42-blue-step6of6.png');
    exp.format = 'poster';
    expect(exp.content).toBe('content');
    exp.cell = 256;
    await exp.start();
    expect(saved[1]?.name).toBe(
      'wordlight-a-red-circle-and-a-blue-s42-content-words-poster-6steps.png',
    );
    const poster = decodePng(saved[1]?.bytes ?? new Uint8Array());
    // Content words red, circle, blue, square: label column + image + 5 steps + all steps of 256 px cells.
    expect(poster.width).toBeGreaterThan(7 * 256);
    exp.posterFile = 'svg';
    await exp.start();
    expect(saved[2]?.name).toMatch(/-poster-6steps\.svg$/);
    expect(saved[2]?.mime).toBe('image/svg+xml');
    const svg = new TextDecoder().decode(saved[2]?.bytes);
    expect(svg).toContain('“a red circle and a blue');
    expect(svg.match(/<image /g)).toHaveLength(1 + 4 * 6);
  });

  it('"On screen" with no word chosen shows the content words and says so', async () => {
    const { exp, saved } = await generated();
    expect(exp.viewPositions).toEqual([]);
    expect(exp.shown.note).toMatch(
      /No word is pinned or hovered: the export shows the content words/,
    );
    exp.format = 'png';
    exp.size = 256;
    await exp.start();
    expect(saved[0]?.name).toBe('wordlight-a-red-circle-and-a-blue-s42-content-words-step6of6.png');
    // A grid of three cells, not a plain frame: the frame is not the plain image.
    const png = decodePng(saved[0]?.bytes ?? new Uint8Array());
    expect(png.width).toBe(256);
  });

  it('exports follow the Scale choice (Shared by default)', async () => {
    const { ex, exp, saved } = await generated();
    ex.togglePin(2);
    exp.format = 'png';
    exp.content = 'all';
    exp.size = 256;
    ex.settings.scale = 'shared';
    await exp.start();
    ex.settings.scale = 'word';
    await exp.start();
    expect(saved).toHaveLength(2);
    const a = decodePng(saved[0]?.bytes ?? new Uint8Array());
    const b = decodePng(saved[1]?.bytes ?? new Uint8Array());
    let diff = 0;
    for (let i = 0; i < a.rgba.length; i++) diff += Math.abs((a.rgba[i] ?? 0) - (b.rgba[i] ?? 0));
    expect(diff).toBeGreaterThan(0);
  });

  it('cancel stops the export: nothing is saved, no error, and it can run again', async () => {
    const { exp, saved } = await generated();
    exp.content = 'all';
    const run = exp.start();
    expect(exp.running).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    exp.cancel();
    await run;
    expect(exp.running).toBe(false);
    expect(saved).toHaveLength(0);
    expect(exp.error).toBeNull();
    expect(exp.canStart).toBe(true);
    await exp.start();
    expect(saved).toHaveLength(1);
  });

  it('WebM is disabled with the reason where there is no encoder; GIF still works', async () => {
    const { exp } = await generated();
    await exp.checkVideo();
    expect(exp.webmUnavailable).toBe('No VideoEncoder in this test.');
    exp.format = 'webm';
    expect(exp.canStart).toBe(false);
    expect(exp.disabledReason).toBe('No VideoEncoder in this test.');
    expect(exp.video.unavailable('mp4')).toBe('No VideoEncoder in this test.');
    exp.format = 'mp4';
    expect(exp.canStart).toBe(false);
    exp.format = 'gif';
    expect(exp.canStart).toBe(true);
  });

  it('keeps the last valid fps', () => {
    const { exp } = setup();
    exp.fps = 12;
    exp.fps = 0;
    expect(exp.fps).toBe(12);
  });
});
