/**
 * Which video containers this browser can encode (WebM, MP4) and with which codec, checked once
 * when the export panel opens: the panel disables a format with the reason, and says what an MP4
 * holds when the browser cannot encode H.264 (export/video.ts picks the fallback).
 */
import type { VideoContainer, VideoSupport } from '../export/video.ts';

export const CONTAINERS: readonly VideoContainer[] = ['webm', 'mp4'];

export class VideoSupportState {
  readonly #check: (container: VideoContainer) => Promise<VideoSupport>;
  #support = $state.raw<Record<VideoContainer, VideoSupport | null>>({ webm: null, mp4: null });

  constructor(check: (container: VideoContainer) => Promise<VideoSupport>) {
    this.#check = check;
  }

  /** null until checked. */
  of(container: VideoContainer): VideoSupport | null {
    return this.#support[container];
  }

  /** Why `container` cannot be chosen, or null when it can (or has not been checked yet). */
  unavailable(container: VideoContainer): string | null {
    const w = this.#support[container];
    return w && !w.supported ? w.reason : null;
  }

  /** What `container` will really hold when it differs from the usual (MP4 without H.264). */
  note(container: VideoContainer): string | null {
    const w = this.#support[container];
    return w?.supported ? w.note : null;
  }

  async check(): Promise<void> {
    for (const container of CONTAINERS) {
      if (this.#support[container]) continue;
      let support: VideoSupport;
      try {
        support = await this.#check(container);
      } catch (e) {
        support = { supported: false, reason: e instanceof Error ? e.message : String(e) };
      }
      this.#support = { ...this.#support, [container]: support };
    }
  }
}
