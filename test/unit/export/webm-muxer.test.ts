import { describe, expect, it } from 'vitest';
import {
  muxWebm,
  parseEbml,
  vintSize,
  WEBM_IDS as ID,
  type EbmlNode,
} from '../../../src/export/webm-muxer.ts';

function find(nodes: EbmlNode[] | undefined, id: number): EbmlNode | undefined {
  return nodes?.find((n) => n.id === id);
}
function all(nodes: EbmlNode[] | undefined, id: number): EbmlNode[] {
  return nodes?.filter((n) => n.id === id) ?? [];
}
function uintAt(bytes: Uint8Array, n: EbmlNode | undefined): number {
  let v = 0;
  for (let i = 0; i < (n?.size ?? 0); i++) v = v * 256 + (bytes[(n?.dataStart ?? 0) + i] ?? 0);
  return v;
}

describe('WebM muxer', () => {
  it('encodes EBML sizes as shortest vints (all-ones reserved)', () => {
    expect([...vintSize(0)]).toEqual([0x80]);
    expect([...vintSize(126)]).toEqual([0xfe]);
    expect([...vintSize(127)]).toEqual([0x40, 0x7f]);
    expect([...vintSize(300)]).toEqual([0x41, 0x2c]);
  });

  it('writes a Duration and one cue per cluster that points at that cluster', () => {
    // 25 frames at 10 fps, a key frame every 10: 3 clusters.
    const frames = Array.from({ length: 25 }, (_, k) => ({
      data: new Uint8Array(50 + k).fill(k),
      timestamp: k * 100_000,
      key: k % 10 === 0,
    }));
    const bytes = muxWebm(
      { codec: 'V_VP8', width: 256, height: 256, frameDuration: 100_000 },
      frames,
    );
    const top = parseEbml(bytes);
    expect(top.map((n) => n.id)).toEqual([ID.EBML, ID.Segment]);
    const segment = find(top, ID.Segment);
    expect((segment?.dataStart ?? 0) + (segment?.size ?? 0)).toBe(bytes.length);
    const kids = segment?.children;

    const info = find(kids, ID.Info);
    const duration = find(info?.children, ID.Duration);
    const dv = new DataView(bytes.buffer, duration?.dataStart ?? 0, 8);
    expect(dv.getFloat64(0)).toBe(2500); // ms: 24 · 100 + 100

    const clusters = all(kids, ID.Cluster);
    expect(clusters).toHaveLength(3);
    const blocks = clusters.flatMap((c) => all(c.children, ID.SimpleBlock));
    expect(blocks).toHaveLength(25);

    const cues = all(find(kids, ID.Cues)?.children, ID.CuePoint);
    expect(cues).toHaveLength(3);
    const base = segment?.dataStart ?? 0;
    cues.forEach((cue, i) => {
      expect(uintAt(bytes, find(cue.children, ID.CueTime))).toBe(i * 1000);
      const pos = uintAt(
        bytes,
        find(find(cue.children, ID.CueTrackPositions)?.children, ID.CueClusterPosition),
      );
      expect(base + pos).toBe(clusters[i]?.start);
    });

    // SeekHead points at Info, Tracks and Cues.
    const seeks = all(find(kids, ID.SeekHead)?.children, ID.Seek);
    const targets = seeks.map((s) => base + uintAt(bytes, find(s.children, ID.SeekPosition)));
    expect(targets).toEqual([
      info?.start,
      find(kids, ID.Tracks)?.start,
      find(kids, ID.Cues)?.start,
    ]);

    const video = find(find(find(kids, ID.Tracks)?.children, ID.TrackEntry)?.children, ID.Video);
    expect(uintAt(bytes, find(video?.children, ID.PixelWidth))).toBe(256);
  });

  it('refuses a stream that does not start with a key frame', () => {
    expect(() =>
      muxWebm({ codec: 'V_VP9', width: 2, height: 2, frameDuration: 1 }, [
        { data: new Uint8Array(1), timestamp: 0, key: false },
      ]),
    ).toThrow(/key frame/);
  });
});
