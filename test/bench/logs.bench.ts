/**
 * Log throughput row: the controller log parse-and-filter path of `flux-workbench logs` and the
 * Controller Logs channel (parseLogLine + matchesFilter on kubelet-timestamped zap JSON lines) against a
 * bare JSON.parse of the same lines, measured in the same run. Self-contained: returns one row.
 */
import { performance } from 'node:perf_hooks';
import { matchesFilter, parseLogLine, type LogFilter } from '../../server/src/cluster/logs/parse';

export interface BenchRow { name: string; value: number; unit: string; reference: number; ratio: number; target: string }

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

function best(runs: number, f: () => number): { ms: number; sink: number } {
  let ms = Infinity;
  let sink = 0;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    sink += f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, sink };
}

/** Lines per second of parse+filter, with bare JSON.parse as the reference. Target ≥ 200k lines/s and ≥ 0.5×. */
export function benchLogThroughput(n = 200_000): BenchRow {
  const input = lines(n);
  const bodies = input.map((l) => l.slice(l.indexOf(' ') + 1));
  const filter: LogFilter = { kind: 'kustomization', name: 'app-7', namespace: 'team-2' };
  const ours = best(5, () => { let k = 0; for (const l of input) if (matchesFilter(parseLogLine(l, 'kustomize-controller'), filter)) k++; return k; });
  const bare = best(5, () => { let k = 0; for (const b of bodies) if ((JSON.parse(b) as { name?: string }).name === 'app-7') k++; return k; });
  const value = Math.round(n / (ours.ms / 1000));
  const reference = Math.round(n / (bare.ms / 1000));
  return { name: 'log parse+filter', value, unit: 'lines/s', reference, ratio: Math.round((value / reference) * 100) / 100, target: '>= 200000 lines/s and >= 0.5x bare JSON.parse' };
}
