/**
 * Test page for test/browser/export.test.ts: encodes a small WebM or MP4 with src/export/video.ts
 * (WebCodecs + mediabunny), plays it in a <video>, and reports its duration, a seek, and the
 * frame read back at the seek time (where the sweeping bar is, which says the right frame shows).
 */
import type { FrameSequence } from '../../../src/export/animation.ts';
import {
  encodeVideo,
  videoSupport,
  type VideoContainer,
  type VideoSupport,
} from '../../../src/export/video.ts';

export interface VideoCheck {
  support: VideoSupport;
  duration: number;
  seekableEnd: number;
  seekedTo: number;
  bytes: number;
  /** Centre of the bar in the frame shown after the seek, and where frame 12 draws it. */
  barAt: number;
  barExpected: number;
  /** The file's first bytes as text (container signature: "ftyp" for MP4). */
  head: string;
}

const SIZE = 256;
const FPS = 10;
const barX = (k: number): number => k * 12;

/** 20 frames (2 s at 10 fps) of a bright bar sweeping across a gradient. */
function sweep(size: number): FrameSequence {
  const rgba = new Uint8ClampedArray(size * size * 4);
  return {
    count: 20,
    width: size,
    height: size,
    async frame(k) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const o = (y * size + x) * 4;
          rgba[o] = Math.abs(x - barX(k)) < 16 ? 250 : 30;
          rgba[o + 1] = (y / size) * 255;
          rgba[o + 2] = 90;
          rgba[o + 3] = 255;
        }
      }
      return rgba;
    },
  };
}

function once(target: EventTarget, type: string): Promise<void> {
  return new Promise((resolve) => target.addEventListener(type, () => resolve(), { once: true }));
}

/** The centre of the bright bar in the frame on screen: mean x of the columns whose red is high. */
function barCentre(video: HTMLVideoElement): number {
  const canvas = document.createElement('canvas');
  canvas.width = SIZE;
  canvas.height = SIZE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(video, 0, 0, SIZE, SIZE);
  const { data } = ctx.getImageData(0, 0, SIZE, SIZE);
  let sum = 0;
  let n = 0;
  for (let x = 0; x < SIZE; x++) {
    let red = 0;
    for (let y = 0; y < SIZE; y++) red += data[(y * SIZE + x) * 4] ?? 0;
    // The bar is red 250 on a background of 30: count columns closer to the bar.
    if (red / SIZE > 140) {
      sum += x;
      n++;
    }
  }
  return n ? sum / n : -1;
}

async function check(container: VideoContainer): Promise<VideoCheck> {
  const support = await videoSupport(container, SIZE, FPS);
  const empty = {
    duration: NaN,
    seekableEnd: 0,
    seekedTo: NaN,
    bytes: 0,
    barAt: -1,
    barExpected: -1,
    head: '',
  };
  if (!support.supported) return { support, ...empty };
  const bytes = await encodeVideo(sweep(SIZE), { fps: FPS, container });
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const failed = new Promise<never>((_, reject) =>
    video.addEventListener('error', () =>
      reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`)),
    ),
  );
  const mime = container === 'mp4' ? 'video/mp4' : 'video/webm';
  video.src = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: mime }));
  await Promise.race([once(video, 'loadeddata'), failed]);
  const duration = video.duration;
  // Frame 12 spans 1.2–1.3 s: seek into its middle.
  video.currentTime = 1.25;
  await Promise.race([once(video, 'seeked'), failed]);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return {
    support,
    duration,
    seekableEnd: video.seekable.length ? video.seekable.end(0) : 0,
    seekedTo: video.currentTime,
    bytes: bytes.length,
    barAt: barCentre(video),
    barExpected: barX(12),
    head: String.fromCharCode(...bytes.subarray(4, 8)),
  };
}

declare global {
  interface Window {
    __videoCheck?: (container: VideoContainer) => Promise<VideoCheck>;
  }
}
window.__videoCheck = check;
