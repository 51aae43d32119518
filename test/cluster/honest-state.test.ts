/**
 * Honest state of the watch cache when the cluster misbehaves (issue 9): the API server stopped
 * mid-watch, a 401 after a token rotation, a server that stops answering, and the bounded watch
 * load (RBAC fallback over 200 namespaces). Against the fixture API server.
 */
import manifest from '../../package.json' with { type: 'json' };
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { FLUX_KINDS } from '../../server/src/engine/kinds';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { type CacheSnapshot, FluxWatchCache } from '../../server/src/cluster/watch-cache';
import { buildExplorerTree, type ExplorerNode } from '../../server/src/cluster/explorer-model';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, ensureNamespace } from '../fixture/seed';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function setup(opts: { requestTimeoutMs?: number; maxWatches?: number; pollMs?: number } = {}): Promise<{ server: FakeApiServer; cache: FluxWatchCache }> {
  const server = await startApiServer();
  cleanups.push(() => server.close());
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const conn = new ClusterConnection({ kubeConfig: kc, requestTimeoutMs: opts.requestTimeoutMs ?? 1000 });
  const cache = new FluxWatchCache(conn, {
    kinds: ['GitRepository', 'Kustomization'], batchMs: 10, backoff: { initialMs: 50, maxMs: 200 }, probeMs: 100, missingRecheckMs: 0,
    ...(opts.maxWatches ? { maxWatches: opts.maxWatches } : {}), ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
  });
  cleanups.push(() => { cache.dispose(); conn.dispose(); });
  return { server, cache };
}

async function until(cache: FluxWatchCache, pred: (s: CacheSnapshot) => boolean, ms: number, what: string): Promise<CacheSnapshot> {
  const end = Date.now() + ms;
  for (;;) {
    const s = cache.snapshot();
    if (pred(s)) return s;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; connection ${JSON.stringify(s.connection)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function flatten(nodes: ExplorerNode[]): ExplorerNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children ?? [])]);
}

describe('honest state', () => {
  test('API server stopped mid-watch: disconnected within one request timeout, objects greyed as stale, recovers by itself', async () => {
    const { server, cache } = await setup();
    addGitRepository(server, { name: 'web' });
    await cache.start();
    await until(cache, (s) => s.connection.state === 'connected' && s.objects('GitRepository').length === 1, 2000, 'connected');
    const t0 = Date.now();
    await server.down();
    const down = await until(cache, (s) => s.connection.state === 'disconnected', 1500, 'disconnected');
    assert.ok(Date.now() - t0 <= 1500, 'within one request timeout (1 s) plus a probe interval');
    assert.equal(down.stale, true);
    assert.ok(down.connection.since && down.connection.retryAt && down.connection.retryAt >= down.connection.since);
    assert.equal(down.objects('GitRepository').length, 1, 'the last known objects stay readable');
    const tree = flatten(buildExplorerTree(down, { context: 'fake', now: Date.now() }));
    const obj = tree.find((n) => n.label === 'web')!;
    assert.equal(obj.icon, 'stale', 'never shown green while disconnected');
    assert.match(obj.description ?? '', /stale/);
    // No inline Reconcile/Suspend/Resume button on a stale row: every viewItem regex of an inline entry must match.
    const inline = (manifest.contributes.menus['view/item/context'] as Array<{ command: string; when: string; group?: string }>).filter((m) => m.group?.startsWith('inline'));
    const shown = (ctxValue: string) => inline.filter((m) => [...m.when.matchAll(/viewItem =~ \/(.+?)\/(?= &&|$)/g)].every((r) => new RegExp(r[1]!).test(ctxValue))).map((m) => m.command);
    assert.deepEqual(shown(obj.contextValue), []);
    assert.ok(shown(obj.contextValue.replace('.stale', '')).includes('fluxWorkbench.reconcile'), 'the same row connected has its buttons');
    const group = tree.find((n) => n.id.startsWith('cat:') && n.label === 'Sources')!;
    assert.match(group.description ?? '', /disconnected since \d\d:\d\d/);
    assert.match(group.description ?? '', /retrying in \d+ ?s/);
    // A change while the server is down is seen after it comes back (relist), without any action.
    server.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, 'flux-system', 'web', { spec: { suspend: true } });
    await server.up();
    const back = await until(cache, (s) => s.connection.state === 'connected' && s.objects('GitRepository')[0]?.spec?.suspend === true, 5000, 'recovered with the change');
    assert.equal(back.stale, false);
  });

  test('401 after a token rotation: Unauthorized within one request timeout; recovers when the token is accepted again', async () => {
    const { server, cache } = await setup();
    addGitRepository(server, { name: 'api' });
    await cache.start();
    await until(cache, (s) => s.connection.state === 'connected', 2000, 'connected');
    server.faults.unauthorized = true;
    server.dropWatches();
    const s = await until(cache, (x) => x.connection.state === 'unauthorized', 1500, 'unauthorized');
    assert.match(s.connection.message ?? '', /^Unauthorized: /);
    assert.ok(!/fixture-token/.test(JSON.stringify(s.connection)), 'no credential in the message');
    const tree = flatten(buildExplorerTree(s, { context: 'fake', now: Date.now() }));
    assert.match(tree.find((n) => n.label === 'Sources')?.description ?? '', /Unauthorized/);
    server.faults.unauthorized = false;
    await until(cache, (x) => x.connection.state === 'connected', 5000, 'recovered');
  });

  test('a server that stops answering (hung watches, unanswered requests) is caught by the probe', async () => {
    const { server, cache } = await setup({ requestTimeoutMs: 400 });
    await cache.start();
    await until(cache, (s) => s.connection.state === 'connected', 2000, 'connected');
    server.faults.silent = true;
    server.silenceWatches();
    const s = await until(cache, (x) => x.connection.state === 'disconnected', 1500, 'disconnected');
    assert.match(s.connection.message ?? '', /did not answer in time/);
    server.faults.silent = false;
    await until(cache, (x) => x.connection.state === 'connected', 5000, 'recovered');
  });
});

describe('bounded load', () => {
  test('200 namespaces with cluster-wide list forbidden: at most 50 watches; past the budget periodic lists, fresh and documented', async () => {
    // A 1 s period (the product's default is 30 s): every polled kind lists 200 namespaces per round, and a 200 ms
    // period kept the fixture server busy enough on a loaded 2-core machine that one round outlasted the wait.
    const { server, cache } = await setup({ maxWatches: 50, pollMs: 1000 });
    const namespaces = Array.from({ length: 200 }, (_, i) => `team-${String(i).padStart(3, '0')}`);
    for (const ns of namespaces) ensureNamespace(server, ns);
    for (const k of FLUX_KINDS) server.faults.deny({ resource: `${k.plural}.${k.group}`, verbs: ['list', 'watch'], allowNamespaces: namespaces });
    addGitRepository(server, { name: 'r', namespace: 'team-150' });
    await cache.start();
    const s = await until(cache, (x) => x.objects('GitRepository').length === 1 && x.kindState('Kustomization').state === 'synced', 10_000, 'synced');
    assert.ok(server.activeWatches <= 50, `open watches on the server: ${server.activeWatches}`);
    assert.ok(cache.openWatches <= 50);
    const polled = ['GitRepository', 'Kustomization'].map((k) => s.kindState(k)).filter((st) => st.polling);
    assert.ok(polled.length >= 1, 'at least one kind falls back to periodic lists');
    assert.match(polled[0]!.message ?? '', /listed every 1s \(\d+ namespaces; the 50-watch budget of this cluster is in use\)/);
    assert.ok(polled[0]!.polling!.lastListAt! <= Date.now());
    // A change in a polled namespace shows up after the next list.
    addGitRepository(server, { name: 'r2', namespace: 'team-151' });
    await until(cache, (x) => x.objects('GitRepository').length === 2, 30_000, 'the next periodic list');
    const tree = flatten(buildExplorerTree(cache.snapshot(), { context: 'fake', now: Date.now() }));
    assert.ok(tree.some((n) => /listed every/i.test(`${n.label} ${n.description ?? ''}`) && /ago/.test(`${n.label} ${n.description ?? ''}`)), 'the tree says how fresh a polled kind is');
  });
});
