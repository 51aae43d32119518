/**
 * Kubeconfig loading the way kubectl merges it, without ever writing a file.
 *
 * Sources: explicit paths (e.g. the `fluxWorkbench.kubeconfig` setting) and the `KUBECONFIG`
 * value (files separated by the platform's path delimiter). Files are merged like kubectl: the
 * first file that defines a cluster, user or context name wins, and the first file that sets a
 * `current-context` decides it. Authentication (token, client certificates, exec plugins, OIDC)
 * stays with @kubernetes/client-node: users are passed through unchanged.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';
import { ClusterCallError } from './get';

/** Where to read kubeconfig files from. */
export interface KubeconfigSource {
  /** Explicit kubeconfig files (e.g. the `fluxWorkbench.kubeconfig` setting). They come first. */
  paths?: string[];
  /** A `KUBECONFIG` value: several files separated by `path.delimiter` (`:` on Unix, `;` on Windows). */
  env?: string;
  /**
   * Fallback when neither `paths` nor `env` name a file: `~/.kube/config`. Default true; set false
   * in tests to avoid reading the user's home directory.
   */
  useDefaultPath?: boolean;
  /**
   * When no file names a kubeconfig and none exists at the default path, use the pod's service
   * account (in-cluster config) if running in a pod. Default true.
   */
  inCluster?: boolean;
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** One context of a kubeconfig, as shown in a context picker. */
export interface KubeContextInfo {
  name: string;
  cluster: string;
  user: string;
  /** The context's default namespace, when set. */
  namespace?: string;
  /** True for the kubeconfig's current context (of the KubeConfig passed in). */
  current: boolean;
}

/** The kubeconfig files a source names, in merge order (empty entries dropped, duplicates removed). */
export function kubeconfigFiles(src: KubeconfigSource): string[] {
  const files: string[] = [];
  for (const p of src.paths ?? []) if (p && p.trim()) files.push(expandHome(p.trim()));
  for (const p of (src.env ?? '').split(path.delimiter)) if (p && p.trim()) files.push(expandHome(p.trim()));
  if (files.length === 0 && (src.useDefaultPath ?? true)) files.push(path.join(os.homedir(), '.kube', 'config'));
  return [...new Set(files.map((f) => path.resolve(f)))];
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith(`~${path.sep}`) || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/**
 * Loads and merges kubeconfig files (kubectl semantics: first definition of a name wins; first
 * non-empty current-context wins). Files that do not exist are skipped, as kubectl does for
 * `KUBECONFIG` entries; when none can be read, or a file is not a valid kubeconfig, throws a
 * ClusterCallError ('invalid') naming the file. Nothing is ever written back.
 */
export function loadKubeConfig(src: KubeconfigSource): KubeConfig {
  const files = kubeconfigFiles(src);
  const clusters: Cluster[] = [];
  const users: User[] = [];
  const contexts: Context[] = [];
  let current = '';
  let loaded = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
      throw new ClusterCallError('invalid', `kubeconfig ${file}: not a valid kubeconfig (${first}); fix or remove it from KUBECONFIG / the fluxWorkbench.kubeconfig setting`);
    }
    loaded++;
    for (const c of one.getClusters()) if (!clusters.some((x) => x.name === c.name)) clusters.push(c);
    for (const u of one.getUsers()) if (!users.some((x) => x.name === u.name)) users.push(u);
    for (const c of one.getContexts()) if (!contexts.some((x) => x.name === c.name)) contexts.push(c);
    if (!current && one.getCurrentContext()) current = one.getCurrentContext();
  }
  if (loaded === 0 && (src.inCluster ?? true) && files.length > 0 && !src.paths?.length && !src.env?.trim()
    && process.env.KUBERNETES_SERVICE_HOST && fs.existsSync(SERVICE_ACCOUNT_TOKEN)) {
    // Running in a pod without a kubeconfig: the service account, as kubectl and client-go do.
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  if (loaded === 0) {
    throw new ClusterCallError('invalid', files.length === 0
      ? 'no kubeconfig: set KUBECONFIG or the fluxWorkbench.kubeconfig setting'
      : `no kubeconfig found (looked for ${files.join(', ')}); set KUBECONFIG or the fluxWorkbench.kubeconfig setting`);
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current });
  return kc;
}

/** Every context of a kubeconfig, in file order, with the current one flagged. */
export function listContexts(kc: KubeConfig): KubeContextInfo[] {
  const current = kc.getCurrentContext();
  return kc.getContexts().map((c) => ({
    name: c.name, cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}), current: c.name === current,
  }));
}

/**
 * An independent KubeConfig with `context` as its current context. The original (and any file it
 * came from) is left untouched. Throws ClusterCallError ('invalid') when the context does not
 * exist or names a missing cluster.
 */
export function withContext(kc: KubeConfig, context: string): KubeConfig {
  const ctx = kc.getContextObject(context);
  if (!ctx) {
    const names = kc.getContexts().map((c) => c.name);
    throw new ClusterCallError('invalid', `context '${context}' not found in kubeconfig (contexts: ${names.join(', ') || 'none'})`);
  }
  if (!kc.getCluster(ctx.cluster)) {
    throw new ClusterCallError('invalid', `context '${context}': cluster '${ctx.cluster}' is not defined in the kubeconfig; add it or pick another context`);
  }
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: kc.getClusters().map((c) => structuredClone(c)),
    users: kc.getUsers().map((u) => structuredClone(u)),
    contexts: kc.getContexts().map((c) => structuredClone(c)),
    currentContext: context,
  });
  return copy;
}

/** The namespace of the KubeConfig's current context (`default` when it sets none). */
export function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || 'default';
}
