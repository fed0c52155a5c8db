/**
 * The room boundaries of src/ (scripts/rooms.js, docs/ARCHITECTURE.md): the lint rule bites on a
 * planted forbidden import, and the real import graph, dynamic imports included, keeps to the table
 * and has no loop between rooms.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOM_NAMES, ROOMS } from '../../../scripts/rooms.js';

const root = resolve(import.meta.dirname, '../../..');
const src = join(root, 'src');
type Room = keyof typeof ROOMS;

async function restrictedMessages(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('npm run lint refuses a forbidden import', () => {
  it('model/ → render/ fails; model/ → core/ passes', async () => {
    const bad = await restrictedMessages(
      'src/model/planted.ts',
      "import { OverlayRenderer } from '../render/overlay-renderer.ts';\nexport const x = OverlayRenderer;\n",
    );
    expect(bad).toEqual([
      expect.stringMatching(/^no-restricted-imports: .*src\/model\/ must not import src\/render\//),
    ]);
    const good = await restrictedMessages(
      'src/model/planted.ts',
      "import { WordlightError } from '../core/errors.ts';\nexport const x = WordlightError;\n",
    );
    expect(good).toEqual([]);
  });

  it('components/ → model/, cli/ → state/, render/ → onnxruntime-web and core/ → attention/ fail', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'src/components/planted.ts',
        "import { WorkerGenerator } from '../model/worker-generator.ts';",
        /src\/components\/ must not import src\/model\//,
      ],
      [
        'src/cli/bench/planted.ts',
        "import { Explorer } from '../../state/explorer.svelte.ts';",
        /src\/cli\/ must not import src\/state\//,
      ],
      [
        'src/render/planted.ts',
        "import * as ort from 'onnxruntime-web';",
        /src\/render\/ must not import onnxruntime-web/,
      ],
      [
        'src/core/planted.ts',
        "import { wordMaps } from '../attention/word-maps.ts';",
        /src\/core\/ must not import src\/attention\//,
      ],
    ];
    for (const [file, line, message] of cases) {
      const names = line.match(/import (?:\* as )?\{? ?(\w+)/)?.[1] ?? 'x';
      const messages = await restrictedMessages(file, `${line}\nexport const y = ${names};\n`);
      expect(messages, file).toEqual([expect.stringMatching(message)]);
    }
  });
});

/** Every file under dir (recursively). */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/** Relative import specifiers of a source file: static, re-exports, side-effect and dynamic imports. */
function specifiers(code: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"?]+)/g;
  return [...code.matchAll(re)].map((m) => m[1]!);
}

/** The room a path under src/ belongs to ('main' for src/main.ts, components for App.svelte). */
function roomOf(path: string): string | null {
  const rel = relative(src, path);
  if (rel.startsWith('..')) return null;
  const [first, ...rest] = rel.split('/');
  if (rest.length > 0) return first!;
  return first === 'App.svelte' ? 'components' : first === 'main.ts' ? 'main' : 'top';
}

function roomGraph(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of files(src).filter((f) => /\.(ts|js|svelte)$/.test(f))) {
    const from = roomOf(file)!;
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      const to = roomOf(resolve(dirname(file), spec));
      if (to === null || to === from) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

/** A loop in a directed graph, as the list of its nodes, or null. */
function findCycle(edges: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'open') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'open');
    path.push(n);
    for (const m of edges.get(n) ?? []) {
      const cycle = visit(m);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const n of edges.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return null;
}

describe('the import graph of src/', () => {
  const graph = roomGraph();

  it('finds the imports it checks (the scan is not empty)', () => {
    expect(graph.get('model')).toContain('core');
    expect(graph.get('components')).toContain('state');
    expect(graph.get('main')).toContain('model');
  });

  it('keeps every room to the table, dynamic imports included', () => {
    const outside: string[] = [];
    for (const [from, tos] of graph) {
      if (from === 'main') continue; // the composition root wires everything
      for (const to of tos) {
        const allowed = ROOM_NAMES.includes(from) ? (ROOMS[from as Room] as string[]) : [];
        if (!allowed.includes(to)) outside.push(`${from} → ${to}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('has no loop between rooms, and the table allows none', () => {
    expect(findCycle(graph)).toBeNull();
    const table = new Map(ROOM_NAMES.map((r) => [r, new Set<string>(ROOMS[r as Room])]));
    expect(findCycle(table)).toBeNull();
    // The detector itself sees a loop when there is one.
    expect(
      findCycle(
        new Map([
          ['a', new Set(['b'])],
          ['b', new Set(['a'])],
        ]),
      ),
    ).toEqual(['a', 'b', 'a']);
  });
});
