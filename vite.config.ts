import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Connect, Plugin } from 'vite';
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

export default defineConfig({
  plugins: [svelte(), mimeTypes],
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
