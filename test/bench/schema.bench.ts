/**
 * Schema-source switch benchmark: with 100 open files, the time to hand over a cluster's CRDs (every Flux kind)
 * and re-analyse them all, and to switch `fluxWorkbench.schemaSource`, next to a plain re-analysis of the same
 * files in the same run (the peer). Measured in the engine and through the language server over stdio.
 */
import { FluxEngine } from '../../server/src/engine/engine';
import { SchemaRegistry } from '../../server/src/engine/schema/registry';
import { LspClient } from '../lsp/lsp-client';
import { generateWorkspace } from './workspace-gen';

function ms(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The kind's schema with one more spec field, `benchField`, that only these cluster CRDs know: the bench files set
 * it, so every switch between the cluster's schemas and the bundled ones changes every file's diagnostics (an
 * unknown-field error comes and goes) and the language server re-publishes every file. Without it an unchanged
 * result is not re-published, and the wait for "all files re-published" never ended.
 */
function withBenchField(schema: unknown): unknown {
  const s = structuredClone(schema) as { properties?: { spec?: { properties?: Record<string, unknown> } } };
  if (s.properties?.spec?.properties) s.properties.spec.properties.benchField = { type: 'string' };
  return s;
}

/** One CRD per bundled kind, served at every bundled version (the shape a cluster returns). */
function clusterCrds(): unknown[] {
  const byKind = new Map<string, { group: string; kind: string; versions: unknown[] }>();
  for (const k of SchemaRegistry.bundled().kinds()) {
    const id = `${k.group}/${k.kind}`;
    if (!byKind.has(id)) byKind.set(id, { group: k.group, kind: k.kind, versions: [] });
    byKind.get(id)!.versions.push({ name: k.version, served: true, storage: false, schema: { openAPIV3Schema: withBenchField(k.schema) } });
  }
  return [...byKind.values()].map((c) => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${c.kind.toLowerCase()}s.${c.group}`, labels: { 'app.kubernetes.io/version': 'v2.9.0' } },
    spec: { group: c.group, names: { kind: c.kind, plural: `${c.kind.toLowerCase()}s` }, versions: c.versions },
  }));
}

export async function benchSchemaSwitch(): Promise<Record<string, string | number>> {
  const crds = clusterCrds();
  const out: Record<string, string | number> = {};
  for (const perFile of [1, 10]) Object.assign(out, await benchOne(crds, perFile));
  return out;
}

async function benchOne(crds: unknown[], perFile: number): Promise<Record<string, string | number>> {
  // 100 files of `perFile` Flux documents, each with the field only the cluster CRDs know (withBenchField).
  const files = generateWorkspace(100 * perFile, perFile).map((f) => ({ ...f, text: f.text.replace(/^spec:\n/gm, 'spec:\n  benchField: x\n') }));
  if (!files.every((f) => f.text.includes('benchField'))) throw new Error('schema bench: a generated file has no top-level spec');
  const engine = new FluxEngine();
  const analyseAll = (): number => {
    let n = 0;
    files.forEach((f, i) => { n += engine.diagnostics(f.text, `file:///bench/${f.name}`, i + 1).length; });
    return n;
  };
  analyseAll();
  const peer: number[] = [];
  const toCluster: number[] = [];
  const toBundled: number[] = [];
  for (let i = 0; i < 7; i++) {
    peer.push(ms(() => analyseAll()));
    toCluster.push(ms(() => { engine.schemaSources.setCluster(crds, { context: 'bench', fluxVersion: 'v2.9.0' }); analyseAll(); }));
    toBundled.push(ms(() => { engine.configure({ schemaSource: 'bundled' }); analyseAll(); }));
    engine.configure({ schemaSource: 'auto' });
    engine.schemaSources.setCluster([]);
  }

  // Through the language server: from the hand-over notification to the last re-published file.
  const client = new LspClient();
  await client.initialize({ debounceMs: 0 });
  const last = `file:///bench/${files[files.length - 1]!.name}`;
  const opened = client.waitForDiagnostics(last, 1, 120000);
  for (const f of files) client.open(`file:///bench/${f.name}`, f.text);
  await opened;
  const lsp: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const pending = new Set(files.map((f) => `file:///bench/${f.name}`));
    const done = client.waitFor((m) => {
      if (m.method === 'textDocument/publishDiagnostics') pending.delete((m.params as { uri: string }).uri);
      return pending.size === 0;
    }, 60000);
    client.notify('fluxWorkbench/clusterSchemas', { context: 'bench', fluxVersion: 'v2.9.0', crds: i % 2 === 0 ? crds : [] });
    await done;
    lsp.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await client.shutdown();

  const p = median(peer);
  const tag = `100 files x ${perFile} doc${perFile > 1 ? 's' : ''}`;
  return {
    [`${tag}: plain re-analysis (peer), median ms`]: p.toFixed(1),
    [`${tag}: cluster CRDs handed over + re-analysis, median ms`]: `${median(toCluster).toFixed(1)} (${(median(toCluster) / p).toFixed(2)}x the peer; target <= 200 ms)`,
    [`${tag}: schemaSource auto -> bundled + re-analysis, median ms`]: `${median(toBundled).toFixed(1)} (${(median(toBundled) / p).toFixed(2)}x the peer)`,
    [`${tag}: language server, hand-over notification -> all files re-published, median ms`]: median(lsp).toFixed(1),
  };
}
