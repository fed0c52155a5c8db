/**
 * The response headers every Wordlight page and file is served with: in `npm run dev` and
 * `npm run preview` (vite.config.ts), and in the built output's deployment file `public/_headers`
 * (Netlify / Cloudflare Pages syntax; a unit test keeps it equal to this module). README →
 * "Deploying" lists them for other servers.
 *
 * Why each directive:
 * - script-src 'self' 'wasm-unsafe-eval': only our own module scripts, no inline script, no eval;
 *   onnxruntime-web compiles its WebAssembly (WebAssembly.instantiate needs 'wasm-unsafe-eval').
 * - worker-src 'self' blob:: the generation worker and ORT's pthread workers are same-origin module
 *   workers; blob: covers emscripten builds that start threads from a blob URL.
 * - style-src 'unsafe-inline': Svelte and Vite's dev client insert <style> elements and the
 *   components set style attributes; styles cannot run code.
 * - img/media blob: and data:: exports preview GIF/WebM/PNG blobs, the favicon is a data: SVG.
 * - connect-src 'self': the model package is fetched from this origin only (and Vite's HMR socket).
 * - object-src, base-uri, form-action, frame-ancestors: nothing to embed, rebase, post or frame.
 * COOP/COEP make the page cross-origin isolated, which onnxruntime-web needs for WASM threads.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Content types the default MIME table lacks (an empty type plus nosniff breaks nothing today,
 * but a proxy or CDN may sniff or refuse an untyped binary). */
export const EXTRA_MIME_TYPES: Readonly<Record<string, string>> = {
  '.onnx': 'application/octet-stream',
};

/** The `_headers` file for static hosts, generated from the constants above. */
export function headersFile(): string {
  const lines = [
    '# Generated from security-headers.ts (a unit test checks they agree). Netlify / Cloudflare Pages syntax.',
    '/*',
    ...Object.entries(SECURITY_HEADERS).map(([k, v]) => `  ${k}: ${v}`),
  ];
  for (const [ext, type] of Object.entries(EXTRA_MIME_TYPES)) {
    lines.push(`/*${ext}`, `  Content-Type: ${type}`);
  }
  return `${lines.join('\n')}\n`;
}
