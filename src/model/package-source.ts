/**
 * Where a model package's files come from: a URL in the browser (fetch) or a directory in Node
 * (node:fs, in `fs-source.ts` so browser bundles never see node:fs). Everything above this reads
 * files by name relative to the manifest and never cares which.
 */
import { ModelLoadError } from '../core/errors.ts';

export interface PackageSource {
  /** Base URL or directory, for messages and `LoadedModelInfo.source`. */
  readonly location: string;
  /** Full URL or path of one file of the package, for messages. */
  describe(file: string): string;
  /** Rejects with ModelLoadError naming the file when it is missing or unreadable. */
  readBytes(file: string): Promise<Uint8Array>;
  readText(file: string): Promise<string>;
}

/** Resolves `file` against a base URL that is treated as a directory. */
function joinUrl(base: string, file: string): string {
  const dir = base.endsWith('/') ? base : `${base}/`;
  return new URL(file, dir).href;
}

export interface FetchProgress {
  file: string;
  loaded: number;
  /** From Content-Length; 0 when the server does not say. */
  total: number;
}

export interface UrlSourceOptions {
  fetchFn?: typeof fetch;
  /** Give up when the server sends nothing (no headers, no bytes) for this long (default 20 s). */
  stallMs?: number;
  /** Cancels every request of this source (the user's Cancel while loading). */
  signal?: AbortSignal;
  onProgress?: (p: FetchProgress) => void;
}

export const DEFAULT_STALL_MS = 20_000;

/** Package served over HTTP(S); `baseUrl` should be absolute inside workers. */
export function urlSource(baseUrl: string, options: UrlSourceOptions = {}): PackageSource {
  const { fetchFn = fetch, stallMs = DEFAULT_STALL_MS, signal, onProgress } = options;
  const describe = (file: string): string => joinUrl(baseUrl, file);

  /** Fetches and reads the whole body; a stall watchdog restarts on every chunk. */
  async function download(file: string): Promise<Uint8Array> {
    const url = describe(file);
    const controller = new AbortController();
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        controller.abort();
      }, stallMs);
    };
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort);
    const why = (e: unknown): ModelLoadError => {
      if (stalled)
        return new ModelLoadError(
          url,
          `no data from the server for ${Math.round(stallMs / 1000)} s; check the connection and Retry`,
        );
      if (signal?.aborted) return new ModelLoadError(url, 'loading was cancelled; press Retry');
      return new ModelLoadError(
        url,
        `network error (${oneLine(e)}); check that the server is running`,
      );
    };
    try {
      arm();
      let res: Response;
      try {
        res = await fetchFn(url, { signal: controller.signal });
      } catch (e) {
        throw why(e);
      }
      check(url, file, res);
      const total = Number(res.headers.get('content-length') ?? 0) || 0;
      if (!res.body) return new Uint8Array(await res.arrayBuffer());
      const reader = res.body.getReader();
      const chunks: Uint8Array[] = [];
      let loaded = 0;
      for (;;) {
        arm();
        let part: ReadableStreamReadResult<Uint8Array>;
        try {
          part = await reader.read();
        } catch (e) {
          throw why(e);
        }
        if (part.done) break;
        chunks.push(part.value);
        loaded += part.value.byteLength;
        onProgress?.({ file, loaded, total });
      }
      const out = new Uint8Array(loaded);
      let at = 0;
      for (const c of chunks) {
        out.set(c, at);
        at += c.byteLength;
      }
      return out;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  function check(url: string, file: string, res: Response): void {
    if (!res.ok) {
      const hint =
        res.status === 404 ? 'the file is missing from the model package' : 'the server refused it';
      throw new ModelLoadError(
        url,
        `HTTP ${res.status} ${res.statusText}: ${hint}`.replace(/\s+:/, ':'),
      );
    }
    // Dev servers and SPA hosts answer unknown paths with index.html and status 200.
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('text/html') && !file.endsWith('.html')) {
      throw new ModelLoadError(
        url,
        'not found: the server answered with an HTML page instead; check the model URL',
      );
    }
  }
  return {
    location: baseUrl,
    describe,
    readBytes: download,
    async readText(file) {
      return new TextDecoder().decode(await download(file));
    },
  };
}

/** An error's whole message without ANSI colour codes, for a details view. */
export function fullText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').trim();
}

/** First line of an error's message, without ANSI colour codes (ORT's logs carry them). */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '');
  return (clean.split('\n').find((l) => l.trim().length > 0) ?? clean).trim();
}
