/**
 * Node-only PackageSource: a model package directory on disk. Kept apart from package-source.ts so
 * browser bundles never import node:fs.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ModelLoadError } from '../core/errors.ts';
import type { PackageSource } from './package-source.ts';

export function dirSource(dir: string): PackageSource {
  const root = resolve(dir);
  const describe = (file: string): string => resolve(root, file);
  async function read(file: string): Promise<Buffer> {
    const path = describe(file);
    try {
      return await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT'
          ? 'file not found; check --model points at a model package directory'
          : code === 'EISDIR'
            ? 'is a directory, expected a file'
            : `cannot read it (${code ?? String(e)})`;
      throw new ModelLoadError(path, reason);
    }
  }
  return {
    location: root,
    describe,
    async readBytes(file) {
      const buf = await read(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    },
    async readText(file) {
      return (await read(file)).toString('utf8');
    },
  };
}
