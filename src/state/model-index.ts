/**
 * The list of model packages the app offers (`public/models/index.json`): which one opens by default
 * and a title and summary per package for the `Model` picker. Each entry is only a name; the package's
 * own manifest describes the model.
 */

export interface ModelEntry {
  /** Folder under models/. */
  name: string;
  title: string;
  summary: string;
}

export interface ModelIndex {
  default: string;
  models: ModelEntry[];
}

export const MODEL_INDEX_FILE = 'models/index.json';
const NAME = /^[\w.-]{1,64}$/;

/** The index when `models/index.json` is missing or unreadable: the first package alone. */
export const FALLBACK_INDEX: ModelIndex = {
  default: 'scenes',
  models: [{ name: 'scenes', title: 'scenes', summary: '' }],
};

/** Validates a parsed index; malformed entries are dropped, a bad file falls back. */
export function parseModelIndex(json: unknown): ModelIndex {
  if (typeof json !== 'object' || json === null) return FALLBACK_INDEX;
  const o = json as { default?: unknown; models?: unknown };
  const models = (Array.isArray(o.models) ? o.models : [])
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null)
    .filter((m) => typeof m.name === 'string' && NAME.test(m.name))
    .map((m) => ({
      name: m.name as string,
      title: typeof m.title === 'string' ? m.title : (m.name as string),
      summary: typeof m.summary === 'string' ? m.summary : '',
    }));
  if (models.length === 0) return FALLBACK_INDEX;
  const first = models[0]?.name ?? FALLBACK_INDEX.default;
  const def =
    typeof o.default === 'string' && models.some((m) => m.name === o.default) ? o.default : first;
  return { default: def, models };
}

export async function loadModelIndex(fetchFn: typeof fetch = fetch): Promise<ModelIndex> {
  try {
    const res = await fetchFn(MODEL_INDEX_FILE);
    return res.ok ? parseModelIndex(await res.json()) : FALLBACK_INDEX;
  } catch {
    return FALLBACK_INDEX;
  }
}

/**
 * The package to load: `?model=` when it is a plausible folder name (one not in the index still loads,
 * and shows its own error if it does not exist), else the index's default.
 */
export function chooseModel(query: string | null, index: ModelIndex): string {
  return query !== null && NAME.test(query) ? query : index.default;
}

/** The picker's options: the index, plus the current package if the URL named another one. */
export function pickerOptions(index: ModelIndex, current: string): ModelEntry[] {
  return index.models.some((m) => m.name === current)
    ? index.models
    : [...index.models, { name: current, title: current, summary: 'not in models/index.json' }];
}

/** The URL that opens the same state with another model (the hash keeps prompt, seed, …). */
export function urlWithModel(
  loc: { pathname: string; search: string },
  hash: string,
  name: string,
): string {
  const params = new URLSearchParams(loc.search);
  params.set('model', name);
  return `${loc.pathname}?${params.toString()}${hash}`;
}
