/**
 * The schema sources of one engine, in order of truth: the live cluster's CRDs (handed over by the explorer, or
 * read by the CLI), CRD files named on the command line, the CRDs committed in the workspace, the bundled schemas.
 * The adapters feed it; it keeps the registry's layers current and says when they changed.
 */
import { kindSchemasFromCrd, type SchemaRegistry, type SchemaSourceMode, SCHEMA_SOURCE_MODES } from './registry';
import type { KindSchema } from './types';
import { isSchemaCandidate, scanWorkspaceCrds, type WorkspaceCrdScan } from './workspace-crds';

export interface ClusterSchemaInfo {
  /** The kubeconfig context, e.g. `prod`. */
  context: string;
  /** `app.kubernetes.io/version` of the Flux CRDs, e.g. `v2.9.1`. */
  fluxVersion?: string;
}

export class SchemaSources {
  /** The texts of the workspace files that can hold CRDs or patches on them. */
  private readonly candidates = new Map<string, string>();
  private dirty = false;
  private lastScan?: WorkspaceCrdScan;
  private readonly listeners = new Set<() => void>();

  constructor(readonly registry: SchemaRegistry) {}

  /** Called with no argument when a workspace input changed (refreshWorkspace() then rebuilds the sets). */
  onInputsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A workspace file's text (the index feeds every file it reads). */
  fileChanged(uri: string, text: string): void {
    if (isSchemaCandidate(uri, text)) {
      if (this.candidates.get(uri) === text) return;
      this.candidates.set(uri, text);
    } else if (!this.candidates.delete(uri)) {
      return;
    }
    this.markDirty();
  }

  fileRemoved(uri: string): void {
    if (this.candidates.delete(uri)) this.markDirty();
  }

  private markDirty(): void {
    this.dirty = true;
    for (const l of this.listeners) l();
  }

  get workspaceDirty(): boolean { return this.dirty; }

  /** Rebuilds the workspace CRD sets when an input changed. Returns whether the schemas in force may have changed. */
  refreshWorkspace(): boolean {
    if (!this.dirty) return false;
    this.dirty = false;
    const scan = scanWorkspaceCrds([...this.candidates].map(([uri, text]) => ({ uri, text })));
    const sig = (s?: WorkspaceCrdScan): string => JSON.stringify(s?.sets.map((x) => [x.scope, x.info, x.kinds]) ?? []);
    const changed = sig(scan) !== sig(this.lastScan);
    this.lastScan = scan;
    if (changed) this.registry.setWorkspaceSchemas(scan.sets);
    return changed;
  }

  /** The last workspace scan (sets, counts, problems). */
  get workspaceScan(): WorkspaceCrdScan | undefined { return this.lastScan; }

  /** The live cluster's CRD objects (an empty list: disconnected, forget them). Non-Flux CRDs are ignored. */
  setCluster(crds: readonly unknown[], info?: ClusterSchemaInfo): number {
    const kinds: KindSchema[] = [];
    for (const c of crds) kinds.push(...kindSchemasFromCrd(c).filter((k) => k.group.endsWith('fluxcd.io')));
    this.registry.setClusterSchemas(kinds, info ? { label: `cluster ${info.context}`, ...(info.fluxVersion ? { fluxVersion: info.fluxVersion } : {}) } : { label: 'cluster' });
    return kinds.length;
  }

  /** CRD objects read from files named on the command line (`lint --schema-from`). */
  setFiles(crds: readonly unknown[], label: string, fluxVersion?: string): number {
    const kinds = crds.flatMap((c) => kindSchemasFromCrd(c));
    this.registry.setFileSchemas(kinds, { label, ...(fluxVersion ? { fluxVersion } : {}) });
    return kinds.length;
  }

  /** Applies `fluxWorkbench.schemaSource`; returns whether it changed. Unknown values are ignored. */
  setMode(mode: unknown): boolean {
    return typeof mode === 'string' && (SCHEMA_SOURCE_MODES as readonly string[]).includes(mode) && this.registry.setMode(mode as SchemaSourceMode);
  }
}
