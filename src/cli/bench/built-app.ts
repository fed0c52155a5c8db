/**
 * A production build of the app served by `vite preview`, for the browser generation bench: this
 * checkout's, or (`--baseline REF`) the app as it was at a git commit, so that "today's" app and
 * the current one are timed side by side in one run. The baseline's files come from `git archive`
 * into a scratch folder under the system temp dir (the repository and its worktrees are not
 * touched); it builds with its own vite.config.ts and public/ (its own model package), using this
 * checkout's node_modules through a symlink, which holds every package the earlier lockfiles named.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';

export interface BuiltApp {
  /** What was built: 'current' or the baseline's short commit. */
  label: string;
  url: string;
  close(): Promise<void>;
}

/** The full commit a ref names, or an error naming the ref. */
export function resolveCommit(ref: string, cwd = process.cwd()): string {
  try {
    return execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd,
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error(`--baseline ${ref}: not a commit in this repository`);
  }
}

/** Builds the app found at `root` (default: this checkout) and serves the build on a free port. */
async function buildAndServe(label: string, root?: string): Promise<BuiltApp> {
  const outDir = await mkdtemp(join(tmpdir(), 'wordlight-bench-dist-'));
  const where = root ? { root, configFile: join(root, 'vite.config.ts') } : {};
  let server: PreviewServer | null = null;
  try {
    await build({ ...where, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    server = await preview({
      ...where,
      logLevel: 'error',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0 },
    });
    const url = server.resolvedUrls?.local[0];
    if (!url) throw new Error('vite preview did not report a local URL');
    const running = server;
    return {
      label,
      url,
      close: async () => {
        await running.close();
        await rm(outDir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await server?.close();
    await rm(outDir, { recursive: true, force: true });
    throw e;
  }
}

export function serveCurrent(): Promise<BuiltApp> {
  return buildAndServe('current');
}

/** Extracts `ref` into a scratch folder, builds and serves it; close() removes the folder too. */
export async function serveBaseline(ref: string): Promise<BuiltApp> {
  const commit = resolveCommit(ref);
  const root = await mkdtemp(join(tmpdir(), 'wordlight-baseline-'));
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', commit], {
      maxBuffer: 1 << 30,
    });
    execFileSync('tar', ['-x', '-C', root], { input: tar });
    await symlink(resolve('node_modules'), join(root, 'node_modules'), 'dir');
    const app = await buildAndServe(commit.slice(0, 7), root);
    return {
      ...app,
      close: async () => {
        await app.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(root, { recursive: true, force: true });
    throw e;
  }
}
