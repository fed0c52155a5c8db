/**
 * A small WebM (Matroska subset) muxer for one VP8/VP9 video track, written because MediaRecorder's
 * WebMs are live streams: no Duration, no Cues, so players show "∞" and cannot seek. Here the whole
 * file is built in memory once all chunks are encoded, so every size is known:
 *
 *   EBML header
 *   Segment (known size)
 *     SeekHead   → Info, Tracks, Cues (8-byte positions, so its size is fixed in advance)
 *     Info       TimecodeScale 1 ms, Duration (float, ms) = last timestamp + frame duration
 *     Tracks     one video track, V_VP8 or V_VP9, pixel size, DefaultDuration
 *     Cluster*   one per key frame: Timecode + SimpleBlocks (relative int16 ms timecodes)
 *     Cues       one CuePoint per cluster (time → cluster position), which is what makes it seekable
 *
 * Positions in SeekHead and Cues are relative to the start of the Segment's payload (Matroska spec).
 */

export interface EncodedFrame {
  data: Uint8Array;
  /** Microseconds, as WebCodecs reports them. */
  timestamp: number;
  key: boolean;
}

export interface WebmTrack {
  codec: 'V_VP8' | 'V_VP9';
  width: number;
  height: number;
  /** Frame duration in microseconds (1e6 / fps). */
  frameDuration: number;
}

const ID = {
  EBML: 0x1a45dfa3,
  EBMLVersion: 0x4286,
  EBMLReadVersion: 0x42f7,
  EBMLMaxIDLength: 0x42f2,
  EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282,
  DocTypeVersion: 0x4287,
  DocTypeReadVersion: 0x4285,
  Segment: 0x18538067,
  SeekHead: 0x114d9b74,
  Seek: 0x4dbb,
  SeekID: 0x53ab,
  SeekPosition: 0x53ac,
  Info: 0x1549a966,
  TimecodeScale: 0x2ad7b1,
  Duration: 0x4489,
  MuxingApp: 0x4d80,
  WritingApp: 0x5741,
  Tracks: 0x1654ae6b,
  TrackEntry: 0xae,
  TrackNumber: 0xd7,
  TrackUID: 0x73c5,
  TrackType: 0x83,
  FlagLacing: 0x9c,
  CodecID: 0x86,
  DefaultDuration: 0x23e383,
  Video: 0xe0,
  PixelWidth: 0xb0,
  PixelHeight: 0xba,
  Cluster: 0x1f43b675,
  Timecode: 0xe7,
  SimpleBlock: 0xa3,
  Cues: 0x1c53bb6b,
  CuePoint: 0xbb,
  CueTime: 0xb3,
  CueTrackPositions: 0xb7,
  CueTrack: 0xf7,
  CueClusterPosition: 0xf1,
} as const;

export const WEBM_IDS = ID;

type Bytes = Uint8Array;

function join(parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** An element ID's bytes (IDs carry their own length marker, so: big-endian, no leading zeros). */
function idBytes(id: number): Bytes {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return Uint8Array.from(out);
}

/** EBML variable-size integer for an element's data size, shortest form (1–8 bytes). */
export function vintSize(n: number): Bytes {
  let len = 1;
  // All-ones is reserved ("unknown size"), hence 2^(7·len) − 1 exclusive.
  while (len < 8 && n >= 2 ** (7 * len) - 1) len++;
  const out = new Uint8Array(len);
  let v = n;
  for (let i = len - 1; i >= 0; i--) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  out[0] = (out[0] ?? 0) | (0x80 >> (len - 1));
  return out;
}

function uintBytes(value: number, width?: number): Bytes {
  const out: number[] = [];
  for (let v = value; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  if (out.length === 0) out.push(0);
  while (width !== undefined && out.length < width) out.unshift(0);
  return Uint8Array.from(out);
}

function el(id: number, ...payload: Bytes[]): Bytes {
  const data = join(payload);
  return join([idBytes(id), vintSize(data.length), data]);
}

const uint = (id: number, v: number, width?: number): Bytes => el(id, uintBytes(v, width));
const str = (id: number, s: string): Bytes =>
  el(
    id,
    Uint8Array.from(s, (c) => c.charCodeAt(0) & 0x7f),
  );
function float64(id: number, v: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v);
  return el(id, b);
}

/** Track number 1 as a vint (0x81), int16 relative timecode, flags, frame data. */
function simpleBlock(relativeMs: number, key: boolean, data: Bytes): Bytes {
  const head = new Uint8Array(4);
  head[0] = 0x81;
  new DataView(head.buffer).setInt16(1, relativeMs);
  head[3] = key ? 0x80 : 0x00;
  return el(ID.SimpleBlock, head, data);
}

/** The complete .webm file for `frames` (in decode order, the first one a key frame). */
export function muxWebm(track: WebmTrack, frames: EncodedFrame[]): Uint8Array {
  if (frames.length === 0) throw new RangeError('muxWebm: no frames');
  if (!frames[0]?.key) throw new RangeError('muxWebm: the first frame must be a key frame');
  const ms = (us: number) => Math.round(us / 1000);

  // Clusters: a new one at every key frame (and before the int16 relative timecode overflows).
  const clusters: { time: number; bytes: Bytes }[] = [];
  let blocks: Bytes[] = [];
  let clusterTime = 0;
  const flush = () => {
    if (blocks.length)
      clusters.push({
        time: clusterTime,
        bytes: el(ID.Cluster, uint(ID.Timecode, clusterTime), ...blocks),
      });
    blocks = [];
  };
  for (const f of frames) {
    const t = ms(f.timestamp);
    if (blocks.length === 0 || f.key || t - clusterTime > 30000) {
      flush();
      clusterTime = t;
    }
    blocks.push(simpleBlock(t - clusterTime, f.key, f.data));
  }
  flush();

  const last = frames[frames.length - 1];
  const durationMs = ms(last?.timestamp ?? 0) + track.frameDuration / 1000;
  const info = el(
    ID.Info,
    uint(ID.TimecodeScale, 1_000_000),
    float64(ID.Duration, durationMs),
    str(ID.MuxingApp, 'wordlight'),
    str(ID.WritingApp, 'wordlight'),
  );
  const tracks = el(
    ID.Tracks,
    el(
      ID.TrackEntry,
      uint(ID.TrackNumber, 1),
      uint(ID.TrackUID, 1),
      uint(ID.TrackType, 1),
      uint(ID.FlagLacing, 0),
      str(ID.CodecID, track.codec),
      uint(ID.DefaultDuration, Math.round(track.frameDuration * 1000)),
      el(ID.Video, uint(ID.PixelWidth, track.width), uint(ID.PixelHeight, track.height)),
    ),
  );
  const seekHead = (infoPos: number, tracksPos: number, cuesPos: number) =>
    el(
      ID.SeekHead,
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Info)), uint(ID.SeekPosition, infoPos, 8)),
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Tracks)), uint(ID.SeekPosition, tracksPos, 8)),
      el(ID.Seek, el(ID.SeekID, idBytes(ID.Cues)), uint(ID.SeekPosition, cuesPos, 8)),
    );
  const seekSize = seekHead(0, 0, 0).length;
  const infoPos = seekSize;
  const tracksPos = infoPos + info.length;
  let pos = tracksPos + tracks.length;
  const cuePoints: Bytes[] = [];
  for (const c of clusters) {
    cuePoints.push(
      el(
        ID.CuePoint,
        uint(ID.CueTime, c.time),
        el(ID.CueTrackPositions, uint(ID.CueTrack, 1), uint(ID.CueClusterPosition, pos, 8)),
      ),
    );
    pos += c.bytes.length;
  }
  const cuesPos = pos;
  const cues = el(ID.Cues, ...cuePoints);

  const header = el(
    ID.EBML,
    uint(ID.EBMLVersion, 1),
    uint(ID.EBMLReadVersion, 1),
    uint(ID.EBMLMaxIDLength, 4),
    uint(ID.EBMLMaxSizeLength, 8),
    str(ID.DocType, 'webm'),
    uint(ID.DocTypeVersion, 4),
    uint(ID.DocTypeReadVersion, 2),
  );
  const segment = el(
    ID.Segment,
    seekHead(infoPos, tracksPos, cuesPos),
    info,
    tracks,
    ...clusters.map((c) => c.bytes),
    cues,
  );
  return join([header, segment]);
}

/** A parsed EBML element (for tests and debugging): id, payload offset/size, children if a master. */
export interface EbmlNode {
  id: number;
  start: number;
  dataStart: number;
  size: number;
  children?: EbmlNode[];
}

const MASTERS = new Set<number>([
  ID.EBML,
  ID.Segment,
  ID.SeekHead,
  ID.Seek,
  ID.Info,
  ID.Tracks,
  ID.TrackEntry,
  ID.Video,
  ID.Cluster,
  ID.Cues,
  ID.CuePoint,
  ID.CueTrackPositions,
]);

/** Parses the element tree of `bytes[from, to)`. */
export function parseEbml(bytes: Uint8Array, from = 0, to = bytes.length): EbmlNode[] {
  const out: EbmlNode[] = [];
  let p = from;
  while (p < to) {
    const start = p;
    const b0 = bytes[p] ?? 0;
    const idLen = b0 >= 0x80 ? 1 : b0 >= 0x40 ? 2 : b0 >= 0x20 ? 3 : 4;
    let id = 0;
    for (let i = 0; i < idLen; i++) id = id * 256 + (bytes[p + i] ?? 0);
    p += idLen;
    const s0 = bytes[p] ?? 0;
    let sizeLen = 1;
    while (sizeLen <= 8 && !(s0 & (0x80 >> (sizeLen - 1)))) sizeLen++;
    let size = s0 & (0xff >> sizeLen);
    for (let i = 1; i < sizeLen; i++) size = size * 256 + (bytes[p + i] ?? 0);
    p += sizeLen;
    const node: EbmlNode = { id, start, dataStart: p, size };
    if (MASTERS.has(id)) node.children = parseEbml(bytes, p, p + size);
    out.push(node);
    p += size;
  }
  return out;
}
