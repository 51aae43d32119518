/**
 * Log throughput row: the controller log parse-and-filter path of `flux-workbench logs` and the
 * Controller Logs channel (parseLogLine + matchesFilter on kubelet-timestamped zap JSON lines) against a
 * bare JSON.parse of the same lines, measured in the same run. Self-contained: returns one row.
 */
import { performance } from 'node:perf_hooks';
import { matchesFilter, parseLogLine, type LogFilter } from '../../server/src/cluster/logs/parse';
import { median, type BenchRow } from './table';

function lines(n: number): string[] {
  const kinds = ['Kustomization', 'GitRepository', 'HelmRelease', 'OCIRepository'];
  const out: string[] = [];
  const t0 = Date.parse('2026-12-01T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const kind = kinds[i % kinds.length];
    const ts = new Date(t0 + i).toISOString();
    const o = {
      level: i % 17 === 0 ? 'error' : 'info', ts, msg: i % 17 === 0 ? 'Reconciler error' : 'server-side apply completed',
      controller: kind.toLowerCase(), controllerGroup: 'kustomize.toolkit.fluxcd.io', controllerKind: kind,
      [kind]: { name: `app-${i % 50}`, namespace: `team-${i % 5}` }, namespace: `team-${i % 5}`, name: `app-${i % 50}`,
      reconcileID: '5f1c9a2e-8d7b-4c33-9e61-0a2b3c4d5e6f', revision: 'main@sha1:4d7f0c3a2b1e9f8d7c6b5a4e3d2c1b0a9f8e7d6c',
      ...(i % 17 === 0 ? { error: 'kustomize build failed: accumulating resources' } : {}),
    };
    out.push(`${ts.replace('Z', '123456Z')} ${JSON.stringify(o)}`);
  }
  return out;
}

/** Lines per second of each of `runs` runs (after one warm-up). */
function rates(runs: number, n: number, f: () => number): number[] {
  f();
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    f();
    out.push(n / ((performance.now() - t) / 1000));
  }
  return out;
}

/** Lines per second of parse+filter (median of 5), with bare JSON.parse as the reference. Target ≥ 200k lines/s and ≥ 0.5×. */
export function benchLogThroughput(n = 200_000): BenchRow {
  const input = lines(n);
  const bodies = input.map((l) => l.slice(l.indexOf(' ') + 1));
  const filter: LogFilter = { kind: 'kustomization', name: 'app-7', namespace: 'team-2' };
  const ours = rates(5, n, () => { let k = 0; for (const l of input) if (matchesFilter(parseLogLine(l, 'kustomize-controller'), filter)) k++; return k; });
  const bare = rates(5, n, () => { let k = 0; for (const b of bodies) if ((JSON.parse(b) as { name?: string }).name === 'app-7') k++; return k; });
  const value = Math.round(median(ours));
  const reference = Math.round(median(bare));
  const ratio = Math.round((value / reference) * 100) / 100;
  return {
    name: 'logs: parse+filter throughput', value, unit: 'lines/s', reference: { name: 'bare JSON.parse', value: reference }, ratio,
    target: '>= 200000 lines/s and >= 0.5x', pass: value >= 200_000 && ratio >= 0.5,
    min: Math.round(Math.min(...ours)), max: Math.round(Math.max(...ours)), runs: ours.length,
    note: `${n} kubelet-timestamped zap JSON lines, kind/name/namespace filter`,
  };
}
