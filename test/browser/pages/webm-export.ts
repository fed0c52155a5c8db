/**
 * Test page for test/browser/export.test.ts: encodes a small WebM with src/export/webm.ts
 * (WebCodecs + our muxer), then plays it in a <video> and reports its duration and a seek.
 */
import type { FrameSequence } from '../../../src/export/animation.ts';
import { encodeWebm, webmSupport, type WebmSupport } from '../../../src/export/webm.ts';

export interface WebmCheck {
  support: WebmSupport;
  duration: number;
  seekableEnd: number;
  seekedTo: number;
  bytes: number;
}

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
          rgba[o] = Math.abs(x - k * 12) < 16 ? 250 : 30;
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

async function check(): Promise<WebmCheck> {
  const support = await webmSupport(256, 10);
  if (!support.supported)
    return { support, duration: NaN, seekableEnd: 0, seekedTo: NaN, bytes: 0 };
  const bytes = await encodeWebm(sweep(256), { fps: 10 });
  const video = document.createElement('video');
  video.muted = true;
  document.body.append(video);
  const failed = new Promise<never>((_, reject) =>
    video.addEventListener('error', () =>
      reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`)),
    ),
  );
  video.src = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type: 'video/webm' }));
  await Promise.race([once(video, 'loadedmetadata'), failed]);
  const duration = video.duration;
  video.currentTime = 1.25;
  await Promise.race([once(video, 'seeked'), failed]);
  return {
    support,
    duration,
    seekableEnd: video.seekable.length ? video.seekable.end(0) : 0,
    seekedTo: video.currentTime,
    bytes: bytes.length,
  };
}

declare global {
  interface Window {
    __webmCheck?: () => Promise<WebmCheck>;
  }
}
window.__webmCheck = check;
