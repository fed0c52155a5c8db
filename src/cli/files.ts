/**
 * Where the CLI writes, checked before any model work and written safely:
 * - a symlink is written through (its target is replaced atomically, the link stays a link);
 * - a target that exists but is not a regular file (a device like /dev/full, a directory, a FIFO)
 *   is refused, never replaced by a regular file;
 * - `-` means stdout (single-file outputs);
 * - every file-system failure is a FileSystemError: one line naming the path and the reason in
 *   words (exit code 3), never "unexpected error: ENOENT…".
 */
import { lstat, mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { WordlightError } from '../core/errors.ts';

/** A path the CLI cannot read or write: names it and why. Exit code 3. */
export class FileSystemError extends WordlightError {
  override name = 'FileSystemError';
}

export const STDOUT = '-';

/**
 * The reader of stdout went away before the output was written (`--out - | head -c 8`). The
 * reader chose to stop, so the CLI exits with code 3 (the output could not be written) and says
 * nothing, as tools killed by SIGPIPE do.
 */
export class StdoutClosedError extends FileSystemError {
  override name = 'StdoutClosedError';
  constructor() {
    super('stdout was closed before the output was written');
  }
}

let stdoutWatched = false;
/** A failed write to a pipe also emits 'error' on process.stdout; unheard, Node prints a stack
 * trace and exits 1. The write's own callback reports it (writeOutput), so this only listens. */
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on('error', () => {});
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EEXIST: 'it already exists',
  EIO: 'input/output error',
};

/** One-line reason for a Node file-system error. */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  return REASONS[code] ?? (code ? `error ${code}` : String(e));
}

function kind(s: import('node:fs').Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

async function statOrNull(path: string): Promise<import('node:fs').Stats | null> {
  try {
    return await stat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new FileSystemError(`cannot write ${path}: ${fsReason(e)}`);
  }
}

/**
 * The real path a file output will be written to (a symlink resolved to its target), after checking
 * that it is a regular file or does not exist yet, and that its directory exists.
 */
export async function checkFileOutput(out: string): Promise<string> {
  if (out === STDOUT) return out;
  let path = resolve(out);
  const link = await lstat(path).catch(() => null);
  if (link?.isSymbolicLink()) {
    try {
      path = await realpath(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        throw new FileSystemError(`cannot write ${out}: ${fsReason(e)}`);
      throw new FileSystemError(
        `cannot write ${out}: it is a symbolic link to a missing file; remove it or give another path`,
      );
    }
  }
  const target = await statOrNull(path);
  if (target && !target.isFile()) {
    throw new FileSystemError(
      `cannot write ${out}: it is ${kind(target)}, not a regular file; give a file path, or - for stdout`,
    );
  }
  const dir = await statOrNull(dirname(path));
  if (!dir)
    throw new FileSystemError(`cannot write ${out}: directory ${dirname(path)} does not exist`);
  if (!dir.isDirectory())
    throw new FileSystemError(`cannot write ${out}: ${dirname(path)} is a file, not a directory`);
  return path;
}

/** Checks a directory output: creatable, or an existing directory (never a file or device). */
export async function checkDirOutput(out: string): Promise<string> {
  const path = resolve(out);
  const s = await statOrNull(path);
  if (s && !s.isDirectory())
    throw new FileSystemError(
      `cannot write ${out}: it is ${s.isFile() ? 'a file' : kind(s)}, not a directory`,
    );
  return path;
}

/** Creates a directory (and parents), with a named error. */
export async function makeDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    throw new FileSystemError(`cannot create directory ${path}: ${fsReason(e)}`);
  }
}

/**
 * Writes `data` to `out` (already checked by checkFileOutput): a temporary sibling of the real
 * target, renamed over it once complete, so a failure or Ctrl-C leaves no partial file and a
 * symlink keeps pointing at the new content. `-` writes to stdout.
 */
export async function writeOutput(out: string, data: Uint8Array | string): Promise<void> {
  if (out === STDOUT) {
    watchStdout();
    await new Promise<void>((res, rej) =>
      process.stdout.write(data, (e) => {
        if (!e) res();
        else if ((e as NodeJS.ErrnoException).code === 'EPIPE') rej(new StdoutClosedError());
        else rej(new FileSystemError(`cannot write to stdout: ${fsReason(e)}`));
      }),
    );
    return;
  }
  const path = await checkFileOutput(out);
  const tmp = join(dirname(path), `.${path.split('/').pop()}.partial-${process.pid}`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new FileSystemError(`cannot write ${out}: ${fsReason(e)}`);
  }
}
