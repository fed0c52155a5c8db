/**
 * `wordlight <subcommand> …` — the same engine, record and exporters as the app, in Node.
 * Subcommands live in their own files and are imported lazily, so one never slows or breaks another.
 * To add one: a file exporting a `Subcommand`, plus one line in the table below.
 * Every failure prints one line (`wordlight: …`) and exits non-zero; set WORDLIGHT_DEBUG=1 for stacks.
 */
import { pathToFileURL } from 'node:url';
import { InvalidInputError, WordlightError } from '../core/errors.ts';
import { UsageError } from './args.ts';
import { FileSystemError, StdoutClosedError } from './files.ts';

export interface Subcommand {
  /** Runs with the arguments after the subcommand name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

interface SubcommandEntry {
  summary: string;
  load: () => Promise<Subcommand>;
}

// subcommands
const SUBCOMMANDS: Record<string, SubcommandEntry> = {
  generate: {
    summary: 'generate an image, its word heatmaps and attention',
    load: async () => (await import('./generate.ts')).generateCommand,
  },
  edit: {
    summary: 'edit a prompt with attention injection (prompt-to-prompt): source, edited, diff',
    load: async () => (await import('./edit.ts')).editCommand,
  },
  export: {
    summary: 'export a GIF, PNG, poster or .npy data zip of a generation',
    load: async () => (await import('./export.ts')).exportCommand,
  },
  bench: {
    summary: 'time the UNet (WASM vs native), a generation and capture; write bench/results.json',
    load: async () => (await import('./bench/main.ts')).benchCommand,
  },
  eval: {
    summary: 'check prompt adherence and word-map IoU; write eval/results.json',
    load: async () => (await import('./eval/main.ts')).evalCommand,
  },
};

/** Exit codes, the same for every subcommand. */
export const EXIT = { ok: 0, failed: 1, usage: 2, files: 3, cancelled: 130 } as const;
const EXIT_CODES: Record<number, string> = {
  [EXIT.ok]: 'success',
  [EXIT.failed]:
    'the model or the generation failed (bad model package, prompt the model refuses, …)',
  [EXIT.usage]: 'usage: a bad or missing option, or a value out of range',
  [EXIT.files]:
    'file system: an input or output file or directory that cannot be read or written (also, silently: stdout closed early, as by | head)',
  [EXIT.cancelled]: 'cancelled (Ctrl-C); nothing was written',
};

function help(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length));
  const lines = Object.entries(SUBCOMMANDS).map(
    ([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`,
  );
  return [
    'Usage: wordlight <command> [options]   (wordlight <command> --help for its options)',
    '',
    'Commands:',
    ...lines,
    '',
    'Exit codes:',
    ...Object.entries(EXIT_CODES).map(([code, what]) => `  ${code.padEnd(3)}  ${what}`),
  ].join('\n');
}

/** One line for a person: named errors verbatim, anything else as "unexpected" plus its first line. */
export function describeFailure(e: unknown): string {
  if (e instanceof WordlightError) return e.message;
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return `unexpected error: ${first} (set WORDLIGHT_DEBUG=1 for details)`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const entry = SUBCOMMANDS[name];
  if (!entry) {
    console.error(
      `wordlight: unknown command "${name}"; commands: ${Object.keys(SUBCOMMANDS).join(', ')}`,
    );
    return 2;
  }
  try {
    const command = await entry.load();
    return await command.run(rest);
  } catch (e) {
    if (process.env.WORDLIGHT_DEBUG) console.error(e);
    if (e instanceof StdoutClosedError) return EXIT.files;
    console.error(`wordlight ${name}: ${describeFailure(e).replace(/\s*\n\s*/g, ' ')}`);
    if (e instanceof UsageError || e instanceof InvalidInputError) return EXIT.usage;
    return e instanceof FileSystemError ? EXIT.files : EXIT.failed;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(`wordlight: ${describeFailure(e)}`);
      process.exitCode = 1;
    },
  );
}
