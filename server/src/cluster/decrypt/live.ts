/**
 * What the live decrypt-check reads from the cluster: the Kustomizations (spec.path, spec.decryption,
 * Ready), their decryption Secrets (key names; age/PGP key material goes straight into an in-memory
 * KeyRing and the decoded buffers are zeroed), and recent kustomize-controller errors about decryption.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { type ClusterAccess, ClusterCallError, listObjects, requestOptions, toClusterError } from '../get';
import { readControllerLogs } from '../logs/tail';
import { findCondition } from '../status';
import type { ObjectKey } from '../types';
import { type ClusterDecryptFacts, isDecryptFailure, type SecretKeys } from './check';
import { KeyRing } from './keys';
import { kustomizationSpec, type KustomizationInfo } from './workspace';

const core = new WeakMap<object, CoreV1Api>();
function coreApi(conn: ClusterAccess): CoreV1Api {
  let c = core.get(conn.kubeConfig);
  if (!c) { c = conn.kubeConfig.makeApiClient(CoreV1Api); core.set(conn.kubeConfig, c); }
  return c;
}

/** Reads one decryption Secret: key names, and a ring from its `*.agekey` / `*.asc` values. */
export async function readDecryptionSecret(conn: ClusterAccess, key: ObjectKey): Promise<SecretKeys> {
  let secret;
  try {
    secret = await coreApi(conn).readNamespacedSecret({ namespace: key.namespace, name: key.name }, requestOptions(conn));
  } catch (err) {
    const ce = toClusterError(err, `Secret ${key.namespace}/${key.name}`);
    if (ce.failure === 'notfound') return { key, state: 'missing', names: [] };
    if (ce.failure === 'forbidden') return { key, state: 'forbidden', names: [] };
    throw ce;
  }
  const data = secret.data ?? {};
  const names = [...new Set([...Object.keys(data), ...Object.keys(secret.stringData ?? {})])].sort();
  const ring = new KeyRing();
  for (const name of names) {
    if (!name.endsWith('.agekey') && !name.endsWith('.asc')) continue;
    const b64 = data[name];
    if (typeof b64 !== 'string') continue;
    const buf = Buffer.from(b64, 'base64');
    try {
      if (name.endsWith('.agekey')) await ring.addAgeIdentities(buf.toString('utf8'), name);
      else await ring.addPgpKeys(buf.toString('utf8'), name);
    } finally {
      buf.fill(0);
    }
  }
  secret.data = undefined;
  return { key, state: 'found', names, ring };
}

export interface LiveFactsOptions {
  context: string;
  /** Also scan the kustomize-controller's recent error lines (default true). */
  logs?: boolean;
  /** Lines of the controller log to scan (default 1,000). */
  logLines?: number;
}

/** Reads everything the live check needs. Secrets are read once each. Call {@link disposeFacts} after. */
export async function fetchDecryptionFacts(conn: ClusterAccess, opts: LiveFactsOptions): Promise<ClusterDecryptFacts & { problems: string[] }> {
  const problems: string[] = [];
  const objs = await listObjects(conn, 'Kustomization');
  const kustomizations: KustomizationInfo[] = objs.map((o) => {
    const ready = findCondition(o, 'Ready');
    return {
      key: { kind: 'Kustomization', namespace: o.metadata.namespace ?? '', name: o.metadata.name },
      ...kustomizationSpec(o.spec),
      ready: ready ? { status: ready.status, reason: ready.reason, message: ready.message } : undefined,
    };
  });
  const secrets = new Map<string, SecretKeys>();
  for (const k of kustomizations) {
    if (!k.secretName) continue;
    const id = `${k.key.namespace}/${k.secretName}`;
    if (secrets.has(id)) continue;
    secrets.set(id, await readDecryptionSecret(conn, { kind: 'Secret', namespace: k.key.namespace, name: k.secretName }));
  }
  const logFailures = new Map<string, string[]>();
  if (opts.logs !== false) {
    try {
      const { entries } = await readControllerLogs(conn, {
        controllers: ['kustomize-controller'], tailLines: opts.logLines ?? 1000,
        filter: { kind: 'Kustomization', level: 'error', allNamespaces: true },
      });
      for (const e of entries) {
        const text = `${e.msg} ${e.error ?? ''}`;
        if (!e.name || !isDecryptFailure(text)) continue;
        const id = `${e.namespace ?? ''}/${e.name}`;
        const list = logFailures.get(id) ?? [];
        const m = `${e.time} ${e.msg}${e.error ? `: ${e.error}` : ''}`;
        if (!list.includes(m)) list.push(m);
        logFailures.set(id, list.slice(-3));
      }
    } catch (err) {
      const ce = err instanceof ClusterCallError ? err : toClusterError(err, 'kustomize-controller logs');
      problems.push(`controller logs not scanned: ${ce.message}`);
    }
  }
  return { context: opts.context, kustomizations, secrets, logFailures, problems };
}

/** Drops the key material the facts hold. */
export function disposeFacts(facts: ClusterDecryptFacts): void {
  for (const s of facts.secrets.values()) s.ring?.dispose();
}
