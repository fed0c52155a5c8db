import { describe, expect, it } from 'vitest';
import { onlyHooks } from '../../../src/cli/bench/hooks.ts';
import type { BenchRow } from '../../../src/cli/bench/types.ts';

const row = (id: string) => ({ id }) as BenchRow;

describe('npm run bench -- --only TEXT', () => {
  it('"chart" runs only the hover-latency hook and keeps only its chart rows', () => {
    const { hooks, keep } = onlyHooks('chart');
    expect(hooks.map((h) => h.id)).toEqual(['hover-latency']);
    const ids = [
      'ui/hover-latency/512',
      'ui/scrub-latency/512',
      'ui/chart-hover',
      'ui/chart-scrub',
    ];
    expect(ids.filter((id) => keep('hover-latency', row(id)))).toEqual([
      'ui/chart-hover',
      'ui/chart-scrub',
    ]);
  });

  it('a hook id keeps all its rows; an unknown text selects nothing', () => {
    const { hooks, keep } = onlyHooks('hover-latency');
    expect(hooks.map((h) => h.id)).toEqual(['hover-latency']);
    expect(keep('hover-latency', row('ui/chart-scrub'))).toBe(true);
    expect(onlyHooks('no-such-row').hooks).toEqual([]);
  });
});
