import { svelte } from '@sveltejs/vite-plugin-svelte';
import { readFileSync } from 'node:fs';
import type { Connect, Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vitest/config';
import { EXTRA_MIME_TYPES, SECURITY_HEADERS } from './security-headers.ts';

// The static file server leaves types it does not know (.onnx) empty; a Content-Type set before it
// runs wins over its own.
const setMimeTypes: Connect.NextHandleFunction = (req, res, next) => {
  const path = (req.url ?? '').split(/[?#]/)[0] ?? '';
  const ext = Object.keys(EXTRA_MIME_TYPES).find((e) => path.endsWith(e));
  if (ext) res.setHeader('Content-Type', EXTRA_MIME_TYPES[ext]!);
  next();
};
const mimeTypes: Plugin = {
  name: 'wordlight-mime-types',
  configureServer: (server) => void server.middlewares.use(setMimeTypes),
  configurePreviewServer: (server) => void server.middlewares.use(setMimeTypes),
};
const headers = { ...SECURITY_HEADERS };

/** The package the app opens by default (public/models/index.json): precached for offline use. */
const DEFAULT_MODEL = (
  JSON.parse(readFileSync('public/models/index.json', 'utf8')) as { default: string }
).default;

/**
 * Offline after the first visit (production builds; src/main.ts registers /sw.js). Workbox
 * precaches the app shell (HTML, JS, CSS, ORT's .wasm) and the default model's package while the
 * service worker installs, during the first visit, keyed by content hash, so a rebuilt model or
 * app replaces exactly the files that changed. Other models (the Model picker) are cached when
 * first opened, network first: online they are always current, offline the last copy serves.
 */
const offline = VitePWA({
  injectRegister: false,
  manifest: false,
  workbox: {
    globPatterns: [
      '**/*.{html,js,mjs,css,wasm,svg,png,ico,woff2}',
      'models/index.json',
      `models/${DEFAULT_MODEL}/*`,
    ],
    // ORT's default entry (ort.bundle.min + its JSEP .wasm, 28 MB) is imported only on the Node
    // branch of model/ort.ts; browsers load ort.wasm.bundle (WASM, 14 MB .wasm) or ort.webgpu.bundle
    // (WebGPU, 27 MB asyncify .wasm), and both of those are precached.
    globIgnores: ['**/ort.bundle.min-*.js', '**/*.jsep-*.wasm'],
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    runtimeCaching: [
      {
        urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.includes('/models/'),
        handler: 'NetworkFirst',
        options: { cacheName: 'wordlight-models' },
      },
    ],
  },
});

export default defineConfig({
  plugins: [svelte(), mimeTypes, offline],
  server: { headers },
  preview: { headers },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
