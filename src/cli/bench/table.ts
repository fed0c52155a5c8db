/** The bench table as printed: name, median, p95, target, pass/miss (by how much), ratio. */
import { targetValue, verdict, type BenchRow } from './types.ts';

function fmt(value: number | null, unit: BenchRow['unit']): string {
  if (value === null || !Number.isFinite(value)) return '—';
  switch (unit) {
    case 'ms':
      return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(2)} ms`;
    case 'ratio':
      return `${value.toFixed(3)}×`;
    case 'bytes':
      return value >= 1e6 ? `${(value / 1e6).toFixed(2)} MB` : `${(value / 1e3).toFixed(1)} kB`;
  }
}

function verdictCell(row: BenchRow): string {
  const v = verdict(row);
  if (v !== 'miss' || row.target === null) return v;
  return `miss ×${(targetValue(row) / row.target).toFixed(2)}`;
}

function ratioCell(row: BenchRow): string {
  if (row.ratio === null) return '';
  return row.ratioOf
    ? `${row.ratio.toFixed(2)}× ${row.ratioOf}`
    : `${row.ratio.toFixed(2)}× target`;
}

function targetCell(r: BenchRow): string {
  if (r.target === null) return '';
  if (r.targetOn === 'ratio') return `≤ ${r.target.toFixed(2)}× ${r.ratioOf ?? ''}`.trim();
  return `≤ ${fmt(r.target, r.unit)}${r.targetOn === 'p95' ? ' (p95)' : ''}`;
}

export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['bench', 'median', 'p95', 'target', 'verdict', 'ratio'];
  const body = rows.map((r) => [
    r.name,
    fmt(r.median, r.unit),
    fmt(r.p95, r.unit),
    targetCell(r),
    verdictCell(r),
    ratioCell(r),
  ]);
  const widths = header.map((h, c) =>
    Math.max(h.length, ...body.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
