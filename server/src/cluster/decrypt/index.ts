/**
 * The decrypt-check (offline and live) for the CLI and the VS Code client. Private keys and decrypted
 * values stay in memory inside this folder; everything returned is public (paths, recipients, key names).
 */
import type { ClusterAccess } from '../get';
import type { ObjectKey } from '../types';
import { type DecryptReport, runDecryptCheck } from './check';
import { loadLocalAgeIdentities, type LocalIdentitySources } from './local-identities';
import { readWorkspaceFiles, type WorkspaceFile, workspaceKustomizations } from './workspace';

export {
  classifySecretKeys, type DecryptCode, type DecryptFinding, type DecryptReport, type DecryptSeverity, type FileReport,
  formatDecryptReport, isDecryptFailure, runDecryptCheck, wrongSuffix,
} from './check';
export { kustomizationsApplying, type KustomizationInfo, readWorkspaceFiles, type WorkspaceFile, workspaceKustomizations } from './workspace';
export { defaultAgeKeyFile, loadLocalAgeIdentities } from './local-identities';

export interface DecryptCheckOptions {
  /** The workspace root (Kustomization spec.path values are relative to it). */
  root: string;
  /** Files already read (the client passes open editors' text); default: read from `root`. */
  files?: WorkspaceFile[];
  /** Live check against this cluster; offline without. */
  cluster?: { conn: ClusterAccess; context: string; logs?: boolean };
  /** Check the user's local age identities (default true). */
  localIdentities?: boolean;
  identitySources?: LocalIdentitySources;
  /** Only files applied by these Kustomizations. */
  only?: ObjectKey[];
}

/** Runs the whole check; key material is dropped before it returns. */
export async function decryptCheck(opts: DecryptCheckOptions): Promise<DecryptReport & { problems: string[] }> {
  const problems: string[] = [];
  const files = opts.files ?? readWorkspaceFiles(opts.root, problems);
  const local = opts.localIdentities === false ? undefined : await loadLocalAgeIdentities(opts.identitySources);
  let facts;
  try {
    if (opts.cluster) {
      const { fetchDecryptionFacts } = await import('./live');
      facts = await fetchDecryptionFacts(opts.cluster.conn, { context: opts.cluster.context, logs: opts.cluster.logs });
      problems.push(...facts.problems);
    }
    const report = await runDecryptCheck({ files, workspaceKustomizations: workspaceKustomizations(files), local, cluster: facts, only: opts.only });
    return { ...report, problems };
  } finally {
    local?.ring.dispose();
    if (facts) for (const s of facts.secrets.values()) s.ring?.dispose();
  }
}
