/**
 * The bench table: one row per figure, with the reference measured in the same run, the ratio, the target and
 * PASS/FAIL. Other bench files (cluster, log throughput) return rows of this shape and run.ts prints them all.
 */

export interface BenchRow {
  name: string;
  /** The figure (the median, when measured several times). */
  value: number;
  unit: string;
  /** What the figure is compared with, measured in the same run (e.g. the bare parse, the peer). */
  reference?: { name: string; value: number };
  /** value / reference (or reference / value for "× faster" rows: see `ratioLabel`). */
  ratio?: number;
  /** The target, as text (`<= 1.6x`, `>= 5x faster`, `<= 15 ms`). */
  target?: string;
  /** Whether the target is met (undefined: no target). */
  pass?: boolean;
  /** Min and max over the runs, and how many runs. */
  min?: number;
  max?: number;
  runs?: number;
  /** A short note (what exactly was measured). */
  note?: string;
}

/** Median of the samples. */
export function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The p-th percentile (nearest rank) of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Runs `fn` `runs` times after `warmup` runs; returns the samples in ms. */
export async function sample(runs: number, fn: () => unknown, warmup = 1): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/** A row from samples: median value with min-max. */
export function sampled(name: string, samples: readonly number[], unit = 'ms', extra: Partial<BenchRow> = {}): BenchRow {
  return { name, value: median(samples), unit, min: Math.min(...samples), max: Math.max(...samples), runs: samples.length, ...extra };
}

const fmt = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

/** The table as text. */
export function formatTable(rows: readonly BenchRow[]): string {
  const head = ['figure', 'value', 'min-max (runs)', 'reference (same run)', 'ratio', 'target', ''];
  const body = rows.map((r) => [
    r.name,
    `${fmt(r.value)} ${r.unit}`,
    r.min !== undefined ? `${fmt(r.min)}-${fmt(r.max)} (${r.runs})` : '',
    r.reference ? `${r.reference.name} ${fmt(r.reference.value)}` : '',
    r.ratio !== undefined ? `${fmt(r.ratio)}x` : '',
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
