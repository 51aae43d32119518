/**
 * Schema sources for `flux-workbench lint`: `--schema-from DIR|FILE` reads CRD YAML from disk, `--context NAME`
 * (with `--kubeconfig PATH`) reads the Flux CRDs of a live cluster. Both feed the engine's SchemaSources; the
 * linted files themselves are scanned for committed CRDs (gotk-components.yaml) like the language server does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { FluxEngine } from '../engine/engine';
import { CEL_STATS } from '../engine/schema/cel';

const MAX_BYTES = 32 * 1024 * 1024;

function yamlFilesUnder(target: string, out: string[]): void {
  const st = fs.statSync(target);
  if (st.isFile()) { out.push(target); return; }
  if (!st.isDirectory()) return;
  for (const e of fs.readdirSync(target, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(target, e.name);
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules') yamlFilesUnder(p, out);
    else if (e.isFile() && /\.(ya?ml|json)$/i.test(e.name)) out.push(p);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The CustomResourceDefinition objects of the files under the paths (a List of them counts too). */
export function readCrdFiles(paths: readonly string[], problems: string[]): { crds: unknown[]; fluxVersion?: string } {
  const crds: unknown[] = [];
  let fluxVersion: string | undefined;
  const files: string[] = [];
  for (const p of paths) {
    try {
      yamlFilesUnder(p, files);
    } catch (err) {
      problems.push(`--schema-from ${p}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  for (const f of files) {
    let text: string;
    try {
      if (fs.statSync(f).size > MAX_BYTES) { problems.push(`--schema-from ${f}: skipped, over ${MAX_BYTES / 1048576} MB`); continue; }
      text = fs.readFileSync(f, 'utf8');
    } catch (err) {
      problems.push(`--schema-from ${f}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    let docs: unknown[];
    try {
      docs = parseAllDocuments(text, { prettyErrors: false, logLevel: 'silent', strict: false, uniqueKeys: false }).map((d) => d.toJS({ maxAliasCount: 100 }));
    } catch (err) {
      problems.push(`--schema-from ${f}: not YAML (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
      continue;
    }
    for (const d of docs) {
      const items = isRecord(d) && Array.isArray(d.items) ? d.items : [d];
      for (const c of items) {
        if (!isRecord(c) || c.kind !== 'CustomResourceDefinition') continue;
        crds.push(c);
        const labels = isRecord(c.metadata) && isRecord(c.metadata.labels) ? c.metadata.labels : {};
        if (fluxVersion === undefined && typeof labels['app.kubernetes.io/version'] === 'string') fluxVersion = labels['app.kubernetes.io/version'];
      }
    }
  }
  return fluxVersion ? { crds, fluxVersion } : { crds };
}

/** Loads `--schema-from` into the engine; returns the number of kind/versions read. */
export function useSchemaFiles(engine: FluxEngine, paths: readonly string[], problems: string[]): number {
  const { crds, fluxVersion } = readCrdFiles(paths, problems);
  const n = engine.schemaSources.setFiles(crds, `file ${paths.join(', ')}`, fluxVersion);
  if (n === 0) problems.push(`--schema-from ${paths.join(', ')}: no CustomResourceDefinition with a schema found; the other sources judge the files`);
  return n;
}

/**
 * Reads the Flux CRDs of the cluster of `context` (one list request) into the engine. Throws the cluster core's
 * ClusterCallError (unreachable, unauthorized, forbidden) with its message.
 */
export async function useClusterSchemas(engine: FluxEngine, context: string | undefined, kubeconfig: string | undefined): Promise<{ kinds: number; label: string }> {
  const { ApiextensionsV1Api } = await import('@kubernetes/client-node');
  const { loadKubeConfig } = await import('../cluster/kubeconfig');
  const { ClusterConnection } = await import('../cluster/connection');
  const { requestOptions, toClusterError } = await import('../cluster/get');
  const kc = loadKubeConfig(kubeconfig ? { paths: [kubeconfig] } : { env: process.env.KUBECONFIG });
  const conn = new ClusterConnection({ kubeConfig: kc, ...(context ? { context } : {}) });
  try {
    let items: unknown[];
    try {
      items = (await conn.kubeConfig.makeApiClient(ApiextensionsV1Api).listCustomResourceDefinition({}, requestOptions(conn))).items ?? [];
    } catch (err) {
      throw toClusterError(err, 'CustomResourceDefinitions');
    }
    const flux = items.filter((c) => isRecord(c) && isRecord(c.spec) && String(c.spec.group ?? '').endsWith('fluxcd.io'));
    const git = flux.find((c) => isRecord(c) && isRecord(c.metadata) && c.metadata.name === 'gitrepositories.source.toolkit.fluxcd.io') as { metadata?: { labels?: Record<string, string> } } | undefined;
    const fluxVersion = git?.metadata?.labels?.['app.kubernetes.io/version'];
    const kinds = engine.schemaSources.setCluster(flux, { context: conn.contextName, ...(fluxVersion ? { fluxVersion } : {}) });
    return { kinds, label: `cluster ${conn.contextName}${fluxVersion ? `, Flux ${fluxVersion}` : ''}` };
  } finally {
    conn.dispose();
  }
}

/** One stderr line about CEL rules of non-bundled CRDs that could not be judged (none when all could). */
export function celSkippedLine(): string | undefined {
  if (CEL_STATS.skipped === 0) return undefined;
  const examples = [...CEL_STATS.skippedRules].slice(0, 3).map(([rule, why]) => `'${rule.length > 80 ? `${rule.slice(0, 77)}...` : rule}' (${why})`);
  return `${CEL_STATS.evaluated} CRD validation rule evaluation(s), ${CEL_STATS.skipped} skipped as not judgeable from a file${examples.length ? `, e.g. ${examples.join('; ')}` : ''}`;
}
