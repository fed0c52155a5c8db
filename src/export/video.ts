/**
 * Video export in the browser, WebM and MP4: WebCodecs encodes the frames, mediabunny (a kept-up
 * muxer library, replacing our hand-written WebM muxer) writes a file with its duration set and an
 * index to seek by (WebM Cues; MP4 with the moov box up front). MP4 prefers H.264 (AVC), the codec
 * every player takes; where the browser cannot encode it, MP4 falls back to VP9 or AV1 in MP4 and
 * `videoSupport` says so, so the UI can tell the user. Browser only: loaded on demand.
 */
import type { VideoCodec } from 'mediabunny';
import type { FrameSequence } from './animation.ts';
import { ExportUnsupportedError } from './errors.ts';
import { checkpoint, throwIfCancelled, type ExportControl } from './progress.ts';

export type VideoContainer = 'webm' | 'mp4';

/** Codecs tried in order per container: the first this browser can encode wins. */
const CODECS: Record<VideoContainer, readonly VideoCodec[]> = {
  webm: ['vp9', 'vp8'],
  mp4: ['avc', 'vp9', 'av1'],
};

const CODEC_NAMES: Record<string, string> = {
  avc: 'H.264',
  vp9: 'VP9',
  vp8: 'VP8',
  av1: 'AV1',
  hevc: 'H.265',
};

export type VideoSupport =
  | {
      supported: true;
      codec: VideoCodec;
      /** Display name, e.g. "H.264". */
      codecName: string;
      /** Set when the preferred codec was unavailable and another is used instead. */
      note: string | null;
    }
  | { supported: false; reason: string };

/** Whether this browser can encode `container` video of size × size at `fps`, and with what. */
export async function videoSupport(
  container: VideoContainer,
  size = 512,
  fps = 8,
): Promise<VideoSupport> {
  if (typeof VideoEncoder === 'undefined' || typeof VideoFrame === 'undefined') {
    return {
      supported: false,
      reason: 'This browser has no WebCodecs video encoder (VideoEncoder).',
    };
  }
  const { getFirstEncodableVideoCodec } = await import('mediabunny');
  const wanted = CODECS[container];
  const codec = await getFirstEncodableVideoCodec([...wanted], {
    width: size,
    height: size,
    frameRate: fps,
  });
  const names = wanted.map((c) => CODEC_NAMES[c] ?? c).join(', ');
  if (!codec) {
    return {
      supported: false,
      reason: `This browser cannot encode ${names} for ${container.toUpperCase()}.`,
    };
  }
  const codecName = CODEC_NAMES[codec] ?? codec;
  const note =
    codec === wanted[0]
      ? null
      : `This browser cannot encode ${CODEC_NAMES[wanted[0] ?? ''] ?? wanted[0]}; the ${container.toUpperCase()} uses ${codecName}, which some players (e.g. older QuickTime) do not play.`;
  return { supported: true, codec, codecName, note };
}

export interface VideoOptions extends ExportControl {
  fps: number;
  container: VideoContainer;
}

export async function encodeVideo(
  frames: FrameSequence,
  options: VideoOptions,
): Promise<Uint8Array> {
  const { count, width, height } = frames;
  const support = await videoSupport(options.container, Math.max(width, height), options.fps);
  if (!support.supported)
    throw new ExportUnsupportedError(
      `${options.container.toUpperCase()} is unavailable: ${support.reason}`,
    );
  throwIfCancelled(options);
  const mb = await import('mediabunny');
  const output = new mb.Output({
    format:
      options.container === 'mp4'
        ? new mb.Mp4OutputFormat({ fastStart: 'in-memory' })
        : new mb.WebMOutputFormat(),
    target: new mb.BufferTarget(),
  });
  const source = new mb.VideoSampleSource({
    codec: support.codec,
    // Generous for smooth heatmaps; a key frame every second bounds a seek's decode work.
    bitrate: mb.QUALITY_HIGH,
    keyFrameInterval: 1,
  });
  output.addVideoTrack(source, { frameRate: options.fps });
  const frameDuration = 1 / options.fps;
  try {
    await output.start();
    for (let k = 0; k < count; k++) {
      const rgba = await frames.frame(k);
      // A copy: the renderer reuses its buffer for the next frame while this one is encoded.
      const sample = new mb.VideoSample(rgba.slice(), {
        format: 'RGBA',
        codedWidth: width,
        codedHeight: height,
        timestamp: k * frameDuration,
        duration: frameDuration,
      });
      await source.add(sample);
      sample.close();
      await checkpoint(options, k + 1, count + 1, `frame ${k + 1}/${count}`);
    }
    source.close();
    await output.finalize();
  } catch (e) {
    if (output.state !== 'finalized' && output.state !== 'canceled') await output.cancel();
    throw e;
  }
  const buffer = output.target.buffer;
  if (!buffer) throw new Error('the muxer produced no file');
  options.onProgress?.({ done: count + 1, total: count + 1, phase: 'mux' });
  return new Uint8Array(buffer);
}
