/**
 * The CLI's cluster commands (get, reconcile, suspend, resume, events, tree, trace, health/check,
 * explain, describe): argument parsing (node:util parseArgs) and printing over the cluster core.
 * Self-contained: main.ts passes the full argv (command first) and an io pair.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import * as fs from 'node:fs';
import { parseArgs as nodeParseArgs } from 'node:util';
import { FLUX_KINDS, type FluxKindInfo, resolveKindWord } from '../engine/kinds';
import { type ActionResult, DEFAULT_POLL_MS, DEFAULT_TIMEOUT_MS, reconcile, resume, suspend } from '../cluster/actions';
import { checkFlux, formatCheck } from '../cluster/check';
import { renderDescribe } from '../cluster/describe';
import { listEvents, type FluxEvent, queryEvents } from '../cluster/events';
import { explain, formatExplanation } from '../cluster/explain';
import { type ClusterAccess, ClusterCallError, DEFAULT_FLUX_NAMESPACE, getObject, getTable, listObjects, toClusterError } from '../cluster/get';
import { watchRows } from '../cluster/get-watch';
import { HelmStorageError } from '../cluster/helm-storage';
import { renderTree, tree } from '../cluster/inventory';
import { loadKubeConfig as loadMergedKubeConfig, withContext } from '../cluster/kubeconfig';
import { parseGoDuration } from '../cluster/status';
import { formatEventsTable, formatGetTable } from '../cluster/table';
import { formatTrace, resolveTraceKind, trace } from '../cluster/trace';
import type { ObjectKey } from '../cluster/types';

export interface CliIo { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }

export const EXIT = { ok: 0, failed: 1, usage: 2, timeout: 3, unreachable: 4 } as const;

export const CLUSTER_COMMANDS = ['get', 'reconcile', 'suspend', 'resume', 'events', 'tree', 'trace', 'health', 'check', 'explain', 'describe'] as const;

class UsageError extends Error {}

export { resolveKindWord };

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
  labelSelector?: string;
  statusSelector?: string;
  watch: boolean;
  noHeader: boolean;
  forSelector?: string;
  types: string[];
  all: boolean;
  compact: boolean;
  apiVersion?: string;
  kind?: string;
}

/** The flags of every cluster command (node:util parseArgs, strict: unknown flags are usage errors). */
const OPTIONS = {
  namespace: { type: 'string', short: 'n' }, 'all-namespaces': { type: 'boolean', short: 'A' },
  kubeconfig: { type: 'string' }, context: { type: 'string' }, 'flux-namespace': { type: 'string' },
  format: { type: 'string' }, timeout: { type: 'string' }, 'poll-interval': { type: 'string' }, 'request-timeout': { type: 'string' },
  'with-source': { type: 'boolean' }, force: { type: 'boolean' }, reset: { type: 'boolean' },
  'label-selector': { type: 'string', short: 'l' }, 'status-selector': { type: 'string' }, watch: { type: 'boolean', short: 'w' },
  'no-header': { type: 'boolean' }, for: { type: 'string' }, types: { type: 'string', multiple: true }, all: { type: 'boolean' },
  compact: { type: 'boolean' }, 'api-version': { type: 'string' }, kind: { type: 'string' },
} as const;

function parseArgs(args: string[]): { pos: string[]; flags: Flags } {
  let parsed;
  try {
    parsed = nodeParseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const v = parsed.values;
  const duration = (flag: string, text: string | undefined, def: number): number => {
    if (text === undefined) return def;
    const ms = parseGoDuration(text);
    if (ms === undefined || ms < 0) throw new UsageError(`--${flag}: '${text}' is not a duration (e.g. 30s, 5m, 1h)`);
    return ms;
  };
  if (v.format !== undefined && v.format !== 'text' && v.format !== 'json') throw new UsageError(`--format must be text or json, not '${v.format}'`);
  const flags: Flags = {
    namespace: v.namespace, allNamespaces: v['all-namespaces'] ?? false, kubeconfig: v.kubeconfig, context: v.context,
    fluxNamespace: v['flux-namespace'], format: v.format === 'json' ? 'json' : 'text',
    withSource: v['with-source'] ?? false, force: v.force ?? false, reset: v.reset ?? false,
    timeoutMs: duration('timeout', v.timeout, DEFAULT_TIMEOUT_MS), pollMs: Math.max(1, duration('poll-interval', v['poll-interval'], DEFAULT_POLL_MS)),
    labelSelector: v['label-selector'], statusSelector: v['status-selector'], watch: v.watch ?? false, noHeader: v['no-header'] ?? false,
    forSelector: v.for, types: (v.types ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean),
    all: v.all ?? false, compact: v.compact ?? false, apiVersion: v['api-version'], kind: v.kind,
  };
  if (v['request-timeout'] !== undefined) flags.requestTimeoutMs = Math.max(1, duration('request-timeout', v['request-timeout'], 0));
  return { pos: [...parsed.positionals], flags };
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

/** Prints a reconcile's successful sources first (a HelmChart's own source before the chart). */
function printSources(io: CliIo, r: ActionResult | undefined): void {
  if (!r) return;
  printSources(io, r.source);
  if (r.outcome === 'success') printAction(io, r);
}

const HELP = `Cluster commands:
  get [KIND|all] [NAME] [-n NS | -A] [-l SELECTOR] [--status-selector ready=false] [--watch] [--no-header] [--format text|json]
  reconcile KIND NAME [--with-source] [--force] [--reset] [--timeout 5m]
  suspend KIND NAME... | --all      resume KIND NAME... | --all [--timeout 5m]
  events [--for KIND[/NAME]] [-A] [--types Normal,Warning]   (or: events KIND NAME)
  tree KIND NAME [--compact]        trace KIND NAME | KIND/NAME [--api-version V]
  health | check [--timeout 5m]     explain KIND NAME     describe KIND NAME
Flags: --kubeconfig PATH --context NAME -n/--namespace NS (default flux-system) --flux-namespace NS --poll-interval 2s --request-timeout 30s
`;

/** `Kind/name` or `Kind` of `--for`. */
function parseFor(sel: string): { kind: FluxKindInfo; name?: string } {
  const i = sel.indexOf('/');
  const word = i < 0 ? sel : sel.slice(0, i);
  const name = i < 0 ? undefined : sel.slice(i + 1);
  const kind = word ? resolveKindWord(word) : undefined;
  if (!kind) throw new UsageError(`--for selector must be of format <kind>[/<name>] with a Flux kind, not '${sel}'`);
  return name ? { kind, name } : { kind };
}

function exitFor(ce: ClusterCallError): number {
  switch (ce.failure) {
    case 'unreachable': case 'unauthorized': case 'forbidden': return EXIT.unreachable;
    case 'invalid': return ce.statusCode === undefined ? EXIT.usage : EXIT.failed;
    default: return EXIT.failed;
  }
}

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
    const noMore = (): void => { if (pos.length > 0) throw new UsageError(`unexpected argument '${pos[0]}'`); };
    const keyOf = (): ObjectKey => {
      const k = takeKind(pos);
      const name = pos.shift();
      if (!name) throw new UsageError(`missing NAME (usage: ${command} KIND NAME [-n NAMESPACE])`);
      noMore();
      return { kind: k.kind, name, namespace };
    };
    // Parse positionals before connecting so usage errors never need a cluster.
    let key: ObjectKey | undefined;
    let getKind: FluxKindInfo | undefined;
    let getName: string | undefined;
    let names: string[] = [];
    let actionKind: FluxKindInfo | undefined;
    let forSel: { kind: FluxKindInfo; name?: string } | undefined;
    let traceTarget: { apiVersion: string; kind: string; name: string } | undefined;
    if (flags.allNamespaces && flags.namespace) throw new UsageError('use either -n or -A, not both');
    switch (command) {
      case 'get':
        if (pos.length > 0 && pos[0] !== 'all') getKind = takeKind(pos);
        else pos.shift();
        getName = pos.shift();
        noMore();
        if (flags.watch && !getKind) throw new UsageError('expected a single resource type for --watch, but found all');
        break;
      case 'health': case 'check':
        noMore();
        break;
      case 'suspend': case 'resume':
        actionKind = takeKind(pos);
        names = pos.splice(0);
        if (flags.all && names.length > 0) throw new UsageError('use either NAME... or --all, not both');
        if (!flags.all && names.length === 0) throw new UsageError(`missing NAME (usage: ${command} KIND NAME... [-n NAMESPACE] or --all)`);
        break;
      case 'events':
        if (flags.forSelector) forSel = parseFor(flags.forSelector);
        else if (pos.length > 0) { const k = keyOf(); forSel = { kind: resolveKindWord(k.kind)!, name: k.name }; }
        noMore();
        for (const t of flags.types) if (!/^(normal|warning)$/i.test(t)) throw new UsageError(`type '${t}' not supported. Supported types are Normal, Warning`);
        break;
      case 'tree':
        key = keyOf();
        if (key.kind !== 'Kustomization' && key.kind !== 'HelmRelease') throw new UsageError('tree takes a kustomization (or helmrelease) NAME');
        break;
      case 'trace': {
        let word = flags.kind ?? pos.shift();
        let name = flags.kind ? pos.shift() : undefined;
        if (!flags.kind && word?.includes('/')) { const i = word.indexOf('/'); name = word.slice(i + 1); word = word.slice(0, i); }
        else if (!flags.kind) name = pos.shift();
        if (!word || !name) throw new UsageError('usage: trace KIND NAME, trace KIND/NAME, or trace NAME --kind KIND --api-version V');
        noMore();
        try {
          traceTarget = { ...resolveTraceKind(word, flags.apiVersion, (w) => resolveKindWord(w)?.kind), name };
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        break;
      }
      default:
        key = keyOf();
    }
    const conn: ClusterAccess = {
      kubeConfig: loadKubeConfig(flags), fluxNamespace: flags.fluxNamespace ?? DEFAULT_FLUX_NAMESPACE,
      signal: ac.signal, requestTimeoutMs: flags.requestTimeoutMs,
    };
    const progress = (m: string): void => { io.stderr.write(`◎ ${m}\n`); };
    const waitOpts = { timeoutMs: flags.timeoutMs, pollMs: flags.pollMs, signal: ac.signal, onProgress: progress };
    const getNs = flags.allNamespaces ? undefined : namespace;
    switch (command) {
      case 'get': {
        const opts = { kind: getKind?.kind, namespace: getNs, name: getName, labelSelector: flags.labelSelector, statusSelector: flags.statusSelector };
        if (flags.watch) {
          // Runs until Ctrl-C or --timeout, like `flux get --watch` within its --timeout.
          const stop = AbortSignal.any([ac.signal, AbortSignal.timeout(flags.timeoutMs)]);
          let header = !flags.noHeader;
          await watchRows(conn, {
            ...opts, signal: stop,
            onRows: (rows) => {
              if (rows.length === 0) return;
              io.stdout.write(formatGetTable(rows, { allNamespaces: flags.allNamespaces, showKind: false, noHeader: !header }));
              header = false;
            },
            onState: (m) => io.stderr.write(`◎ ${m}\n`),
          });
          return EXIT.ok;
        }
        const { rows, failures } = await getTable(conn, opts);
        for (const f of failures) io.stderr.write(`✗ ${f.error.message}\n`);
        if (flags.format === 'json') io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else if (rows.length === 0) {
          const where = flags.allNamespaces ? 'any' : `"${namespace}"`;
          if (getName) io.stderr.write(`✗ ${getKind?.kind ?? 'Flux'} object '${getName}' not found in ${where} namespace\n`);
          else if (getKind) io.stderr.write(`✗ no ${getKind.kind} objects found in ${where} namespace\n`);
          else if (failures.length === 0) io.stderr.write(`no Flux objects found in ${flags.allNamespaces ? 'any namespace' : `namespace ${namespace}`}\n`);
        } else io.stdout.write(formatGetTable(rows, { allNamespaces: flags.allNamespaces, showKind: !getKind, noHeader: flags.noHeader }));
        return EXIT.ok;
      }
      case 'reconcile': {
        const r = await reconcile(conn, key!, { ...waitOpts, withSource: flags.withSource, force: flags.force, reset: flags.reset });
        printSources(io, r.source);
        printAction(io, r);
        return actionExit(r);
      }
      case 'suspend': case 'resume': {
        const kind = actionKind!.kind;
        // --all: every object of the kind in the namespace (or all namespaces) not already in the wanted state.
        const targets: ObjectKey[] = flags.all
          ? (await listObjects(conn, kind, getNs)).filter((o) => (command === 'suspend') !== (o.spec?.suspend === true))
            .map((o) => ({ kind, name: o.metadata.name, namespace: o.metadata.namespace ?? '' }))
          : names.map((name) => ({ kind, name, namespace }));
        if (flags.all && targets.length === 0) {
          io.stderr.write(`✗ no ${kind} objects to ${command} in ${flags.allNamespaces ? 'any' : `"${namespace}"`} namespace\n`);
          return EXIT.ok;
        }
        let worst: number = EXIT.ok;
        for (const k of targets) {
          const r = command === 'suspend' ? await suspend(conn, k, { signal: ac.signal }) : await resume(conn, k, waitOpts);
          printAction(io, r);
          worst = Math.max(worst, actionExit(r));
          if (r.outcome === 'cancelled') break;
        }
        return worst;
      }
      case 'events': {
        const q = await queryEvents(conn, { namespace: getNs, kind: forSel?.kind.kind, name: forSel?.name, types: flags.types });
        if (flags.format === 'json') io.stdout.write(JSON.stringify(q.events, null, 2) + '\n');
        else if (q.events.length === 0) io.stderr.write(flags.allNamespaces ? '✗ No events found.\n' : `✗ No events found in ${namespace} namespace.\n`);
        else io.stdout.write(formatEventsTable(q.events, { showNamespace: q.showNamespace }));
        return EXIT.ok;
      }
      case 'tree': {
        const t = await tree(conn, key!, { compact: flags.compact });
        io.stdout.write(flags.format === 'json' ? JSON.stringify(t, null, 2) + '\n' : renderTree(t));
        return EXIT.ok;
      }
      case 'trace': {
        const r = await trace(conn, { ...traceTarget!, namespace });
        io.stdout.write(flags.format === 'json' ? JSON.stringify(r, null, 2) + '\n' : formatTrace(r));
        return r.manager ? EXIT.ok : EXIT.failed;
      }
      case 'health': case 'check': {
        const r = await checkFlux(conn, { waitMs: flags.timeoutMs, pollMs: flags.pollMs, signal: ac.signal });
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
    return exitFor(ce);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
