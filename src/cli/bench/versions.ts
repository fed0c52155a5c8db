/** Versions that explain a number: Node and the two ORT builds compared. */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Walks up from the package's entry file to its package.json (`<name>/package.json` is not
 * always in a package's exports map, so it cannot be resolved directly). */
function packageVersion(name: string): string {
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 5; i++) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name) return pkg.version ?? 'unknown';
      }
      dir = dirname(dir);
    }
  } catch {
    // fall through
  }
  return 'unknown';
}

export function versions(): Record<string, string> {
  return {
    node: process.version,
    onnxruntimeWeb: packageVersion('onnxruntime-web'),
    onnxruntimeNode: packageVersion('onnxruntime-node'),
  };
}
