/**
 * WebM export in the browser: WebCodecs' VideoEncoder (VP9, else VP8) fed RGBA frames, muxed by
 * webm-muxer.ts into a file with a real Duration and Cues (seekable) — which MediaRecorder's
 * streaming WebMs lack. Where there is no such encoder, `webmSupport` says why and the UI disables
 * WebM (GIF still works).
 */
import type { FrameSequence } from './animation.ts';
import { ExportUnsupportedError } from './errors.ts';
import { checkpoint, throwIfCancelled, type ExportControl } from './progress.ts';
import { muxWebm, type EncodedFrame, type WebmTrack } from './webm-muxer.ts';

/** Codec strings tried in order: VP9 profile 0 8-bit, then VP8. */
const CODECS: readonly { codec: string; id: WebmTrack['codec'] }[] = [
  { codec: 'vp09.00.10.08', id: 'V_VP9' },
  { codec: 'vp8', id: 'V_VP8' },
];

/** A key frame every this many frames: the Cues' seek granularity. */
const KEY_INTERVAL = 10;

export type WebmSupport =
  { supported: true; codec: string; id: WebmTrack['codec'] } | { supported: false; reason: string };

function config(codec: string, width: number, height: number, fps: number): VideoEncoderConfig {
  return {
    codec,
    width,
    height,
    framerate: fps,
    // Generous for smooth heatmaps: ~0.25 bit per pixel per frame.
    bitrate: Math.round(width * height * fps * 0.25),
    latencyMode: 'quality',
  };
}

/** Whether this browser can encode WebM, and with which codec (or why not). */
export async function webmSupport(size = 512, fps = 8): Promise<WebmSupport> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') {
    return {
      supported: false,
      reason: 'This browser has no WebCodecs video encoder (VideoEncoder).',
    };
  }
  for (const c of CODECS) {
    try {
      const res = await VideoEncoder.isConfigSupported(config(c.codec, size, size, fps));
      if (res.supported) return { supported: true, codec: c.codec, id: c.id };
    } catch {
      // An invalid config for this browser: try the next codec.
    }
  }
  return { supported: false, reason: 'This browser has no VP9 or VP8 video encoder for WebM.' };
}

export interface WebmOptions extends ExportControl {
  fps: number;
}

export async function encodeWebm(frames: FrameSequence, options: WebmOptions): Promise<Uint8Array> {
  const { count, width, height } = frames;
  const support = await webmSupport(width, options.fps);
  if (!support.supported)
    throw new ExportUnsupportedError(`WebM is unavailable: ${support.reason}`);
  throwIfCancelled(options);

  const chunks: EncodedFrame[] = [];
  let failure: unknown = null;
  const encoder = new VideoEncoder({
    output: (chunk) => {
      const data = new Uint8Array(chunk.byteLength);
      chunk.copyTo(data);
      chunks.push({ data, timestamp: chunk.timestamp, key: chunk.type === 'key' });
    },
    error: (e) => {
      failure = e;
    },
  });
  const frameDuration = 1e6 / options.fps;
  try {
    encoder.configure(config(support.codec, width, height, options.fps));
    for (let k = 0; k < count; k++) {
      const rgba = await frames.frame(k);
      const frame = new VideoFrame(rgba, {
        format: 'RGBA',
        codedWidth: width,
        codedHeight: height,
        timestamp: Math.round(k * frameDuration),
        duration: Math.round(frameDuration),
      });
      encoder.encode(frame, { keyFrame: k % KEY_INTERVAL === 0 });
      frame.close();
      if (failure) throw failure;
      await checkpoint(options, k + 1, count + 1, `frame ${k + 1}/${count}`);
    }
    await encoder.flush();
    if (failure) throw failure;
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  chunks.sort((a, b) => a.timestamp - b.timestamp);
  const file = muxWebm({ codec: support.id, width, height, frameDuration }, chunks);
  options.onProgress?.({ done: count + 1, total: count + 1, phase: 'mux' });
  return file;
}
