/**
 * The CLI's cluster commands (get, reconcile, suspend, resume, events, tree, health, explain,
 * describe): argument parsing and printing over the cluster core. Self-contained: main.ts passes
 * the full argv (command first) and an io pair.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import * as fs from 'node:fs';
import { FLUX_KINDS, type FluxKindInfo } from '../engine/kinds';
import { type ActionResult, DEFAULT_POLL_MS, DEFAULT_TIMEOUT_MS, reconcile, resume, suspend } from '../cluster/actions';
import { checkFlux, formatCheck } from '../cluster/check';
import { renderDescribe } from '../cluster/describe';
import { listEvents, type FluxEvent } from '../cluster/events';
import { explain, formatExplanation } from '../cluster/explain';
import { type ClusterAccess, ClusterCallError, DEFAULT_FLUX_NAMESPACE, getObject, getRows, toClusterError } from '../cluster/get';
import { HelmStorageError } from '../cluster/helm-storage';
import { renderTree, tree } from '../cluster/inventory';
import { loadKubeConfig as loadMergedKubeConfig, withContext } from '../cluster/kubeconfig';
import { parseGoDuration, type StatusRow } from '../cluster/status';
import type { ObjectKey } from '../cluster/types';

export interface CliIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, unreachable: 4 } as const;

export const CLUSTER_COMMANDS = ['get', 'reconcile', 'suspend', 'resume', 'events', 'tree', 'health', 'check', 'explain', 'describe'] as const;

class UsageError extends Error {}

const SHORT_ALIASES: Record<string, string> = {
  ks: 'Kustomization', hr: 'HelmRelease', gitrepo: 'GitRepository', git: 'GitRepository', helmrepo: 'HelmRepository',
  helm: 'HelmRepository', hc: 'HelmChart', chart: 'HelmChart', ocirepo: 'OCIRepository', oci: 'OCIRepository',
  bucket: 'Bucket', external: 'ExternalArtifact', imagerepo: 'ImageRepository', imagepolicy: 'ImagePolicy',
  imageupdate: 'ImageUpdateAutomation', iua: 'ImageUpdateAutomation', 'alert-provider': 'Provider', provider: 'Provider',
  alert: 'Alert', receiver: 'Receiver',
};

/** Resolves a kind word: kind name, plural, `plural.group`, singular of the plural, or a short alias. */
export function resolveKindWord(word: string): FluxKindInfo | undefined {
  const w = word.toLowerCase();
  const byAlias = SHORT_ALIASES[w];
  return FLUX_KINDS.find((k) =>
    k.kind.toLowerCase() === w || k.plural === w || `${k.plural}.${k.group}` === w || `${k.kind.toLowerCase()}s` === w
    || k.kind === byAlias || k.cliNoun.replace(/ /g, '-') === w);
}

/** Takes the kind from positionals, accepting two-word flux nouns (`source git`, `image policy`). */
function takeKind(pos: string[]): FluxKindInfo {
  const first = pos.shift();
  if (!first) throw new UsageError('missing KIND');
  if ((first === 'source' || first === 'image') && pos[0]) {
    const noun = `${first} ${pos[0].toLowerCase()}`;
    const k = FLUX_KINDS.find((x) => x.cliNoun === noun) ?? resolveKindWord(pos[0]);
    if (k) { pos.shift(); return k; }
  }
  const k = resolveKindWord(first);
  if (!k) throw new UsageError(`unknown kind '${first}' (try: ${FLUX_KINDS.map((x) => x.kind.toLowerCase()).join(', ')}, ks, hr)`);
  return k;
}

interface Flags {
  namespace?: string;
  allNamespaces: boolean;
  kubeconfig?: string;
  context?: string;
  fluxNamespace?: string;
  format: 'text' | 'json';
  withSource: boolean;
  force: boolean;
  reset: boolean;
  timeoutMs: number;
  pollMs: number;
  requestTimeoutMs?: number;
}

const VALUE_FLAGS = new Set(['-n', '--namespace', '--kubeconfig', '--context', '--flux-namespace', '--format', '--timeout', '--poll-interval', '--request-timeout']);

function parseArgs(args: string[]): { pos: string[]; flags: Flags } {
  const flags: Flags = { allNamespaces: false, format: 'text', withSource: false, force: false, reset: false, timeoutMs: DEFAULT_TIMEOUT_MS, pollMs: DEFAULT_POLL_MS };
  const pos: string[] = [];
  for (let i = 0; i < args.length; i++) {
    let a = args[i] ?? '';
    let value: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    if (VALUE_FLAGS.has(a) && value === undefined) {
      value = args[++i];
      if (value === undefined) throw new UsageError(`${a} needs a value`);
    }
    const duration = (v: string): number => {
      const ms = parseGoDuration(v);
      if (ms === undefined || ms < 0) throw new UsageError(`${a}: '${v}' is not a duration (e.g. 30s, 5m, 1h)`);
      return ms;
    };
    switch (a) {
      case '-n': case '--namespace': flags.namespace = value; break;
      case '-A': case '--all-namespaces': flags.allNamespaces = true; break;
      case '--kubeconfig': flags.kubeconfig = value; break;
      case '--context': flags.context = value; break;
      case '--flux-namespace': flags.fluxNamespace = value; break;
      case '--format':
        if (value !== 'text' && value !== 'json') throw new UsageError(`--format must be text or json, not '${value}'`);
        flags.format = value;
        break;
      case '--timeout': flags.timeoutMs = duration(value ?? ''); break;
      case '--poll-interval': flags.pollMs = Math.max(1, duration(value ?? '')); break;
      case '--request-timeout': flags.requestTimeoutMs = Math.max(1, duration(value ?? '')); break;
      case '--with-source': flags.withSource = true; break;
      case '--force': flags.force = true; break;
      case '--reset': flags.reset = true; break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown flag ${a}`);
        pos.push(a);
    }
  }
  return { pos, flags };
}

/**
 * Loads the kubeconfig (--kubeconfig, else $KUBECONFIG with several files merged like kubectl,
 * else ~/.kube/config) and selects --context on an in-memory copy: the file is never rewritten.
 */
function loadKubeConfig(flags: Pick<Flags, 'kubeconfig' | 'context'>): KubeConfig {
  let kc: KubeConfig;
  try {
    if (flags.kubeconfig && !fs.existsSync(flags.kubeconfig)) throw new ClusterCallError('unreachable', `kubeconfig ${flags.kubeconfig} does not exist`);
    kc = loadMergedKubeConfig(flags.kubeconfig ? { paths: [flags.kubeconfig] } : { env: process.env.KUBECONFIG });
  } catch (err) {
    if (err instanceof ClusterCallError) throw new ClusterCallError('unreachable', err.message);
    throw new ClusterCallError('unreachable', `cannot load kubeconfig: ${(err as Error).message.split('\n')[0]}`);
  }
  if (flags.context) {
    try {
      kc = withContext(kc, flags.context);
    } catch (err) {
      throw new ClusterCallError('unreachable', (err as Error).message);
    }
  }
  if (!kc.getCurrentCluster()) throw new ClusterCallError('unreachable', 'kubeconfig has no current context/cluster; pass --context or --kubeconfig');
  return kc;
}

/**
 * A cluster connection for the other CLI adapters (logs, decrypt-check): the kubeconfig loaded as above,
 * the chosen context and the Flux namespace. Throws ClusterCallError ('unreachable') when no config fits.
 */
export function clusterAccessFor(o: { kubeconfig?: string; context?: string; fluxNamespace?: string; signal?: AbortSignal; requestTimeoutMs?: number }): { conn: ClusterAccess; context: string } {
  const kubeConfig = loadKubeConfig(o);
  return { conn: { kubeConfig, fluxNamespace: o.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE, signal: o.signal, requestTimeoutMs: o.requestTimeoutMs }, context: kubeConfig.getCurrentContext() };
}

function pad(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 2))).join('').trimEnd()).join('\n') + '\n';
}

/** `flux get` table: one table per kind (a kind header line when several kinds are shown). */
export function formatRows(rows: StatusRow[], allNamespaces: boolean, showKind: boolean): string {
  const byKind = new Map<string, StatusRow[]>();
  for (const r of rows) { const l = byKind.get(r.kind) ?? []; l.push(r); byKind.set(r.kind, l); }
  const parts: string[] = [];
  for (const [kind, list] of byKind) {
    const header = [...(allNamespaces ? ['NAMESPACE'] : []), 'NAME', list[0]?.revisionHeader ?? 'REVISION', 'SUSPENDED', 'READY', 'MESSAGE'];
    const body = list.map((r) => [...(allNamespaces ? [r.namespace] : []), showKind ? `${kind.toLowerCase()}/${r.name}` : r.name, r.revision, r.suspended ? 'True' : 'False', r.ready, r.message.replace(/\s*\n\s*/g, ' ')]);
    parts.push(pad([header, ...body]));
  }
  return parts.join('\n');
}

function formatEvents(events: FluxEvent[]): string {
  if (events.length === 0) return 'no events found\n';
  const rows = [['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], ...events.map((e) => [
    e.lastSeen ?? '-', e.type, e.reason, `${e.involved.kind}/${e.involved.name}`, e.message.replace(/\s*\n\s*/g, ' '),
  ])];
  return pad(rows);
}

function actionExit(r: ActionResult): number {
  switch (r.outcome) {
    case 'success': return EXIT.ok;
    case 'timeout': return EXIT.timeout;
    default: return EXIT.failed;
  }
}

function printAction(io: CliIo, r: ActionResult): void {
  if (r.outcome === 'success') io.stdout.write(`✔ ${r.message}\n`);
  else io.stderr.write(`✗ ${r.message}\n`);
}

const HELP = `Cluster commands: get [KIND] [-n NS | -A] [--format text|json] | reconcile KIND NAME [--with-source] [--force] [--reset] [--timeout 5m]
  | suspend KIND NAME | resume KIND NAME | events KIND NAME | tree kustomization NAME | health | explain KIND NAME | describe KIND NAME
Flags: --kubeconfig PATH --context NAME -n/--namespace NS (default flux-system) --flux-namespace NS --poll-interval 2s --request-timeout 30s
`;

/**
 * Runs one cluster command. Returns the exit code: 0 success, 1 failure, 2 usage error,
 * 3 timeout, 4 cluster unreachable or unauthorized. Never throws for cluster or usage errors.
 */
export async function runClusterCommand(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || !(CLUSTER_COMMANDS as readonly string[]).includes(command)) {
    io.stderr.write(`flux-workbench: unknown command '${command ?? ''}'\n${HELP}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) { io.stdout.write(HELP); return EXIT.ok; }
  const ac = new AbortController();
  const onSigint = (): void => ac.abort();
  let parsed: { pos: string[]; flags: Flags };
  try {
    parsed = parseArgs(rest);
  } catch (err) {
    io.stderr.write(`flux-workbench ${command}: ${(err as Error).message}\n`);
    return EXIT.usage;
  }
  const { pos, flags } = parsed;
  const namespace = flags.namespace ?? DEFAULT_FLUX_NAMESPACE;
  process.once('SIGINT', onSigint);
  try {
    const keyOf = (): ObjectKey => {
      const k = takeKind(pos);
      const name = pos.shift();
      if (!name) throw new UsageError(`missing NAME (usage: ${command} KIND NAME [-n NAMESPACE])`);
      if (pos.length > 0) throw new UsageError(`unexpected argument '${pos[0]}'`);
      return { kind: k.kind, name, namespace };
    };
    // Parse positionals before connecting so usage errors never need a cluster.
    let key: ObjectKey | undefined;
    let getKind: FluxKindInfo | undefined;
    switch (command) {
      case 'get':
        if (pos.length > 0 && pos[0] !== 'all') getKind = takeKind(pos);
        else pos.shift();
        if (pos.length > 0) throw new UsageError(`unexpected argument '${pos[0]}'`);
        if (flags.allNamespaces && flags.namespace) throw new UsageError('use either -n or -A, not both');
        break;
      case 'health': case 'check':
        if (pos.length > 0) throw new UsageError(`unexpected argument '${pos[0]}'`);
        break;
      case 'tree':
        key = keyOf();
        if (key.kind !== 'Kustomization' && key.kind !== 'HelmRelease') throw new UsageError('tree takes a kustomization (or helmrelease) NAME');
        break;
      default:
        key = keyOf();
    }
    const conn: ClusterAccess = {
      kubeConfig: loadKubeConfig(flags), fluxNamespace: flags.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE,
      signal: ac.signal, requestTimeoutMs: flags.requestTimeoutMs,
    };
    const progress = (m: string): void => { io.stderr.write(`◎ ${m}\n`); };
    const waitOpts = { timeoutMs: flags.timeoutMs, pollMs: flags.pollMs, signal: ac.signal, onProgress: progress };
    switch (command) {
      case 'get': {
        const rows = await getRows(conn, { kind: getKind?.kind, namespace: flags.allNamespaces ? undefined : namespace });
        if (flags.format === 'json') io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else if (rows.length === 0) io.stderr.write(`no Flux objects found in ${flags.allNamespaces ? 'any namespace' : `namespace ${namespace}`}\n`);
        else io.stdout.write(formatRows(rows, flags.allNamespaces, !getKind));
        return EXIT.ok;
      }
      case 'reconcile': {
        const r = await reconcile(conn, key!, { ...waitOpts, withSource: flags.withSource, force: flags.force, reset: flags.reset });
        if (r.source && r.source.outcome === 'success') printAction(io, r.source);
        printAction(io, r);
        return actionExit(r);
      }
      case 'suspend': {
        const r = await suspend(conn, key!, { signal: ac.signal });
        printAction(io, r);
        return actionExit(r);
      }
      case 'resume': {
        const r = await resume(conn, key!, waitOpts);
        printAction(io, r);
        return actionExit(r);
      }
      case 'events': {
        const events = await listEvents(conn, key!);
        io.stdout.write(flags.format === 'json' ? JSON.stringify(events, null, 2) + '\n' : formatEvents(events));
        return EXIT.ok;
      }
      case 'tree': {
        const t = await tree(conn, key!);
        io.stdout.write(flags.format === 'json' ? JSON.stringify(t, null, 2) + '\n' : renderTree(t));
        return EXIT.ok;
      }
      case 'health': case 'check': {
        const r = await checkFlux(conn);
        io.stdout.write(flags.format === 'json' ? JSON.stringify(r, null, 2) + '\n' : formatCheck(r));
        return r.ok ? EXIT.ok : EXIT.failed;
      }
      case 'explain': {
        const obj = await getObject(conn, key!);
        let events: FluxEvent[] = [];
        try { events = await listEvents(conn, key!, { includeSource: false }); } catch { /* events are optional context */ }
        const e = explain(obj, events);
        io.stdout.write(flags.format === 'json' ? JSON.stringify(e, null, 2) + '\n' : formatExplanation(e));
        return e.state === 'ready' ? EXIT.ok : EXIT.failed;
      }
      case 'describe': {
        io.stdout.write(renderDescribe(await getObject(conn, key!)));
        return EXIT.ok;
      }
      default:
        return EXIT.usage;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`flux-workbench ${command}: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof HelmStorageError) {
      io.stderr.write(`✗ ${err.message}\n`);
      return EXIT.failed;
    }
    const ce = toClusterError(err, command);
    io.stderr.write(`✗ ${ce.message}\n`);
    switch (ce.failure) {
      case 'unreachable': case 'unauthorized': case 'forbidden': return EXIT.unreachable;
      case 'invalid': return ce.statusCode === undefined ? EXIT.usage : EXIT.failed;
      default: return EXIT.failed;
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
