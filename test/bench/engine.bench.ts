/**
 * Engine benchmark: bare `yaml` parse vs full analysis on 5,000 Flux documents,
 * completion latency on a 2,000-line file, and the language server's memory.
 */
import * as fs from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { FluxEngine } from '../../server/src/engine/engine';
import { LspClient } from '../lsp/lsp-client';
import { generateLargeFile, generateWorkspace } from './workspace-gen';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function bestOf(n: number, fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, timeIt(fn));
  return best;
}

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function benchEngine(): Promise<Record<string, string | number>> {
  const files = generateWorkspace(5000, 10);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);

  // Warm up both paths once (JIT), then take the best of 5 runs.
  const parseAll = (): void => { for (const f of files) parseAllDocuments(f.text); };
  const analyseAll = (): void => {
    const engine = new FluxEngine();
    let n = 0;
    for (const f of files) n += engine.diagnostics(f.text, `file:///bench/${f.name}`).length;
    if (n !== 0) throw new Error(`benchmark workspace should be clean, got ${n} diagnostics`);
  };
  parseAll();
  analyseAll();
  const parseMs = bestOf(5, parseAll);
  const analyseMs = bestOf(5, analyseAll);

  // Completion latency on a 2,000-line file, at many positions.
  const big = generateLargeFile(2000);
  const lines = big.split('\n');
  const engine = new FluxEngine();
  engine.diagnostics(big, 'file:///bench/big.yaml', 1);
  const samples: number[] = [];
  for (let i = 0; i < 400; i++) {
    const line = (i * 37) % lines.length;
    const character = Math.min(lines[line]!.length, 2 + (i % 6));
    samples.push(timeIt(() => engine.completion(big, 'file:///bench/big.yaml', 1, { line, character })));
  }
  samples.sort((a, b) => a - b);

  // Huge files (bad input): 10 MB of Flux documents with errors, and one 10 MB document.
  const MB10 = 10 * 1024 * 1024;
  const head = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: bad\n  namespace: flux-system\n';
  const badDoc = `${head}spec:\n  interval: 10 minutes\n  prune: true\n  sourceRef:\n    kind: HelmRepository\n    name: x\n---\n`;
  const manyDocs = badDoc.repeat(Math.ceil(MB10 / badDoc.length));
  const oneDoc = `${head}spec:\n  patches:\n${'    - op: add\n      path: /metadata/labels/x\n      value: y\n'.repeat(Math.ceil(MB10 / 60))}`;
  let hugeDiags = 0;
  const hugeManyMs = timeIt(() => { hugeDiags = new FluxEngine().diagnostics(manyDocs, 'file:///bench/huge-many.yaml').length; });
  const hugeOneMs = timeIt(() => { new FluxEngine().diagnostics(oneDoc, 'file:///bench/huge-one.yaml'); });

  // Language server memory after opening the whole workspace.
  const client = new LspClient();
  await client.initialize({ debounceMs: 0 });
  const last = files[files.length - 1]!;
  const done = client.waitForDiagnostics(`file:///bench/${last.name}`, 1, 120000);
  for (const f of files) client.open(`file:///bench/${f.name}`, f.text);
  await done;
  await client.request('textDocument/documentSymbol', { textDocument: { uri: `file:///bench/${last.name}` } });
  const serverRss = rssOf(client.proc.pid!);
  await client.shutdown();

  return {
    'documents': 5000,
    'workspace bytes': bytes,
    'bare yaml parse (ms)': +parseMs.toFixed(1),
    'full analysis (ms)': +analyseMs.toFixed(1),
    'analysis / parse ratio (target <= 2)': +(analyseMs / parseMs).toFixed(2),
    'completion lines': lines.length,
    'completion p50 (ms)': +percentile(samples, 50).toFixed(3),
    'completion p95 (ms, target <= 5)': +percentile(samples, 95).toFixed(3),
    'server RSS after opening 5,000 docs (MB, target <= 150)': +serverRss.toFixed(1),
    '10 MB of Flux documents: diagnostics (ms, target <= 5000)': Math.round(hugeManyMs),
    '10 MB of Flux documents: diagnostics returned (capped)': hugeDiags,
    'one 10 MB document: diagnostics (ms, target <= 5000)': Math.round(hugeOneMs),
  };
}

if (require.main === module) {
  benchEngine().then((r) => { for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v}`); });
}
