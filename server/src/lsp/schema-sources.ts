/**
 * The schema-source part of the LSP adapter: the client hands the live cluster's CRDs over with the
 * `fluxWorkbench/clusterSchemas` notification when the explorer connects (an empty list when it disconnects),
 * `fluxWorkbench/schemaStatus` tells the client which sources are in force, and a change of the workspace's CRD
 * files re-analyses the open documents. The logic lives in engine/schema/sources.ts.
 */
import { NotificationType, RequestType, type Connection } from 'vscode-languageserver';
import type { FluxEngine } from '../engine/engine';
import { BUNDLED_FLUX_VERSION } from '../engine/schema/registry';

export interface ClusterSchemasParams {
  /** The kubeconfig context the CRDs were read from. */
  context: string;
  /** `app.kubernetes.io/version` of the Flux CRDs, when they carry it. */
  fluxVersion?: string;
  /** The CustomResourceDefinition objects as the API server returned them (Flux groups are kept, others ignored). */
  crds: unknown[];
}

export const ClusterSchemasNotification = new NotificationType<ClusterSchemasParams>('fluxWorkbench/clusterSchemas');

export interface SchemaStatus {
  mode: string;
  /** e.g. `cluster prod, Flux v2.9.1` (absent when no cluster CRDs were handed over). */
  cluster?: string;
  workspace: Array<{ scope: string; label: string; fluxVersion?: string; kinds: number }>;
  bundled: string;
  /** One line for a status bar: the first source in force. */
  summary: string;
}

export const SchemaStatusRequest = new RequestType<void, SchemaStatus, void>('fluxWorkbench/schemaStatus');

/** Wires the notifications; `revalidate` re-analyses every open document at once. */
export function installSchemaSources(connection: Connection, engine: FluxEngine, revalidate: () => void): void {
  const sources = engine.schemaSources;
  let clusterLabel: string | undefined;
  let timer: NodeJS.Timeout | undefined;

  connection.onNotification(ClusterSchemasNotification, (params) => {
    try {
      const crds = Array.isArray(params?.crds) ? params.crds : [];
      const context = typeof params?.context === 'string' ? params.context : 'cluster';
      const fluxVersion = typeof params?.fluxVersion === 'string' ? params.fluxVersion : undefined;
      const n = sources.setCluster(crds, { context, ...(fluxVersion ? { fluxVersion } : {}) });
      clusterLabel = n > 0 ? `cluster ${context}${fluxVersion ? `, Flux ${fluxVersion}` : ''}` : undefined;
      connection.console.info(`flux-workbench: ${n > 0 ? `schema: ${clusterLabel} (${n} kind/versions)` : 'cluster schemas cleared'}`);
      revalidate();
    } catch (err) {
      connection.console.error(`flux-workbench: cluster schemas failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  connection.onRequest(SchemaStatusRequest, (): SchemaStatus => {
    sources.refreshWorkspace();
    const reg = engine.registry;
    const workspace = reg.workspaceSources().map((w) => ({
      scope: w.scope, label: w.info.label, kinds: w.kinds, ...(w.info.fluxVersion ? { fluxVersion: w.info.fluxVersion } : {}),
    }));
    const bundled = `bundled Flux ${BUNDLED_FLUX_VERSION} (${reg.source})`;
    const mode = reg.mode;
    const first = (mode === 'auto' || mode === 'cluster') && clusterLabel ? clusterLabel
      : (mode === 'auto' || mode === 'workspace') && workspace[0] ? `${workspace[0].label}${workspace[0].fluxVersion ? `, Flux ${workspace[0].fluxVersion}` : ''}`
        : bundled;
    return { mode, ...(clusterLabel ? { cluster: clusterLabel } : {}), workspace, bundled, summary: `schema: ${first}` };
  });

  // CRD files change during the workspace scan and on edits: rebuild once things settle, then re-analyse.
  sources.onInputsChanged(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      try {
        if (sources.refreshWorkspace()) revalidate();
      } catch (err) {
        connection.console.error(`flux-workbench: workspace schemas failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, 300);
  });
  connection.onShutdown(() => { if (timer) clearTimeout(timer); });
}
