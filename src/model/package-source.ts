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

/** Package served over HTTP(S); `baseUrl` should be absolute inside workers. */
export function urlSource(baseUrl: string, fetchFn: typeof fetch = fetch): PackageSource {
  const describe = (file: string): string => joinUrl(baseUrl, file);
  async function get(file: string): Promise<Response> {
    const url = describe(file);
    let res: Response;
    try {
      res = await fetchFn(url);
    } catch (e) {
      throw new ModelLoadError(
        url,
        `network error (${oneLine(e)}); check that the server is running`,
      );
    }
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
    return res;
  }
  return {
    location: baseUrl,
    describe,
    async readBytes(file) {
      const res = await get(file);
      return new Uint8Array(await res.arrayBuffer());
    },
    async readText(file) {
      const res = await get(file);
      return res.text();
    },
  };
}

/** First line of an error's message, without ANSI colour codes (ORT's logs carry them). */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\u001b\[[0-9;]*m/g, '');
  return (clean.split('\n').find((l) => l.trim().length > 0) ?? clean).trim();
}
