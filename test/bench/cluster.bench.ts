/**
 * Cluster core benchmark: the fake API server runs in a child process (so its memory and CPU do
 * not count against the client) holding 10,000 Flux objects. Measured in this process:
 * - initial list + sync of every kind (`FluxWatchCache.start()`), target <= 1.5 s;
 * - watch event -> tree model latency: a status change on the server until `buildExplorerTree`
 *   over the batched snapshot shows the new revision, target <= 100 ms (default 100 ms batching);
 * - the time to build the whole tree model once;
 * - RSS and heap of this process after sync;
 * - several clusters at once (issue 9): the same 10,000 objects split over 3 API servers (3 child
 *   processes), 3 watch caches started together: initial sync per cluster (target <= 1.5 s each)
 *   and watch event -> all three trees rebuilt, p95 (target <= 100 ms), next to the same paged
 *   lists with plain fetch as the peer.
 *
 * Run with `npm run bench` (test/bench/run.ts), or `node --import tsx test/bench/cluster.bench.ts`.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { KubeConfig } from '@kubernetes/client-node';

const OBJECTS = 10_000;
const NAMESPACES = 20;
const SAMPLES = 30;
/** Kinds and how many of each (sums to OBJECTS). */
const MIX: Array<[string, number]> = [['GitRepository', 3000], ['Kustomization', 3000], ['HelmRelease', 2000], ['OCIRepository', 1000], ['HelmRepository', 1000]];

type ToServer = { op: 'modify'; i: number; revision: string } | { op: 'exit' };
type FromServer = { op: 'ready'; kubeconfig: string; objects: number } | { op: 'modified'; i: number };

// ------------------------------------------------------------------ child: the API server

async function serve(): Promise<void> {
  const { startApiServer } = await import('../fixture/apiserver');
  const { addFluxObject, seedFluxInstall } = await import('../fixture/seed');
  const server = await startApiServer({ historyLimit: 5000 });
  seedFluxInstall(server);
  // FW_BENCH_SHARE=k/n: this server holds every n-th object starting at k (several clusters).
  const [shareK, shareN] = (process.env.FW_BENCH_SHARE ?? '0/1').split('/').map(Number) as [number, number];
  let n = 0;
  let seq = 0;
  for (const [kind, count] of MIX) {
    for (let i = 0; i < count; i++) {
      const global = seq++; // the object's number across all shares: its namespace does not depend on the split
      if (global % shareN !== shareK) continue;
      const ns = `team-${global % NAMESPACES}`;
      addFluxObject(server, kind, { namespace: ns, name: `${kind.toLowerCase()}-${i}`, spec: { interval: '10m', url: 'https://example.invalid/repo' }, revision: `main@sha1:${'0'.repeat(40)}` });
      n++;
    }
  }
  const send = (m: FromServer): void => { process.send?.(m); };
  process.on('message', (m: ToServer) => {
    if (m.op === 'exit') { void server.close().then(() => process.exit(0)); return; }
    const ns = `team-${m.i % NAMESPACES}`;
    if (!server.get({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, ns, `gitrepository-${m.i}`)) { send({ op: 'modified', i: -1 }); return; }
    server.patch({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository' }, ns, `gitrepository-${m.i}`, {
      status: { artifact: { revision: m.revision } },
    });
    send({ op: 'modified', i: m.i });
  });
  send({ op: 'ready', kubeconfig: server.kubeconfigPath, objects: n });
}

// ------------------------------------------------------------------ parent: the client

function gc(): void {
  v8.setFlagsFromString('--expose-gc');
  const fn = vm.runInNewContext('gc') as (() => void) | undefined;
  fn?.();
}

function mb(bytes: number): string { return `${(bytes / 1024 / 1024).toFixed(1)} MB`; }

type TreeNode = import('../../server/src/cluster/explorer-model').ExplorerNode;

/** The node with this id in a tree model (depth first). */
function find(nodes: readonly TreeNode[], id: string): TreeNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = n.children ? find(n.children, id) : undefined;
    if (c) return c;
  }
  return undefined;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Runs the benchmark; returns the figures by name. */
export async function benchCluster(): Promise<Record<string, string | number>> {
  const { ClusterConnection } = await import('../../server/src/cluster/connection');
  const { FluxWatchCache } = await import('../../server/src/cluster/watch-cache');
  const { buildExplorerTree, objectNodeId } = await import('../../server/src/cluster/explorer-model');
  type Node = import('../../server/src/cluster/explorer-model').ExplorerNode;

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, FW_CLUSTER_BENCH_SERVER: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiters: Array<(m: FromServer) => void> = [];
  child.on('message', (m: FromServer) => { for (const w of waiters.splice(0)) w(m); });
  const next = (): Promise<FromServer> => new Promise((r) => waiters.push(r));
  try {
    const ready = await next();
    if (ready.op !== 'ready') throw new Error('bench server did not start');
    gc();
    const rssBefore = process.memoryUsage().rss;
    const kc = new KubeConfig();
    kc.loadFromFile(ready.kubeconfig);
    // Baseline: the same lists (500 per page) with plain fetch + JSON.parse, to show the server's share.
    const server = kc.getCurrentCluster()?.server ?? '';
    const token = kc.getCurrentUser()?.token ?? '';
    const { FLUX_KINDS } = await import('../../server/src/engine/kinds');
    const rawLists = (): Promise<unknown> => Promise.all(FLUX_KINDS.map(async (k) => {
      let cont = '';
      do {
        const r = await fetch(`${server}/apis/${k.group}/${k.current}/${k.plural}?limit=500${cont ? `&continue=${cont}` : ''}`, { headers: { Authorization: `Bearer ${token}` } });
        const body = JSON.parse(await r.text()) as { metadata?: { continue?: string } };
        cont = body.metadata?.continue ?? '';
      } while (cont);
    }));
    await rawLists(); // warm the server up (JIT) so neither figure pays for it
    const tr = performance.now();
    await rawLists();
    const rawMs = performance.now() - tr;
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const conn = new ClusterConnection({ kubeConfig: kc });
    const cache = new FluxWatchCache(conn);
    const t0 = performance.now();
    await cache.start();
    const syncMs = performance.now() - t0;
    const snap = cache.snapshot();
    const synced = snap.kinds.reduce((n, k) => n + snap.objects(k).length, 0);

    const tb = performance.now();
    let tree = buildExplorerTree(snap, { context: 'fake' });
    const buildMs = performance.now() - tb;

    gc();
    const mem = process.memoryUsage();

    // Watch event -> model latency.
    await new Promise((r) => setTimeout(r, 300)); // let the watches open
    const latencies: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const i = (s * 97) % 3000;
      const revision = `main@sha1:${(s + 1).toString(16).padStart(40, 'a')}`;
      const id = objectNodeId('fake', { kind: 'GitRepository', namespace: `team-${i % NAMESPACES}`, name: `gitrepository-${i}` });
      const expected = `main@sha1:${revision.slice(10, 18)}`;
      const seen = new Promise<number>((resolve) => {
        const off = cache.onDidChange((sn) => {
          tree = buildExplorerTree(sn, { context: 'fake' });
          if (find(tree, id)?.description === expected) { off(); resolve(performance.now()); }
        });
      });
      const start = performance.now();
      child.send({ op: 'modify', i, revision } satisfies ToServer);
      latencies.push((await seen) - start);
      await new Promise((r) => setTimeout(r, 150));
    }
    latencies.sort((a, b) => a - b);
    const tw = performance.now();
    buildExplorerTree(cache.snapshot(), { context: 'fake' });
    const rebuildMs = performance.now() - tw;
    cache.dispose();
    conn.dispose();
    const single: Record<string, string | number> = {
      objects: synced,
      'initial list+sync (ms, target <= 1500)': Math.round(syncMs),
      'baseline: same paged lists with plain fetch+JSON.parse (ms)': Math.round(rawMs),
      'tree model first build, all objects (ms)': Math.round(buildMs),
      'tree model rebuild from a new snapshot (ms)': Math.round(rebuildMs),
      'watch event -> tree model p50 (ms, target <= 100)': Math.round(percentile(latencies, 50)),
      'watch event -> tree model p95 (ms)': Math.round(percentile(latencies, 95)),
      'watch event -> tree model max (ms)': Math.round(latencies[latencies.length - 1] ?? NaN),
      'client RSS before any list (tsx + client-node loaded)': mb(rssBefore),
      'client RSS after sync': mb(mem.rss),
      'client heap used after sync': mb(mem.heapUsed),
      'client heap growth for the cache': mb(mem.heapUsed - heapBefore),
    };
    child.send({ op: 'exit' } satisfies ToServer);
    await new Promise((r) => { child.once('exit', r); setTimeout(r, 3000).unref(); });
    // Several clusters at once, in the same run (rows self-contained here, whatever run.ts prints).
    return { ...single, ...await benchClusters(3) };
  } finally {
    // The child has usually exited already (sent 'exit' above): waiting for an 'exit' event that never comes,
    // with only an unref'd timer left, let the event loop drain and the whole bench end silently with status 0.
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ op: 'exit' } satisfies ToServer);
      await new Promise((r) => { child.once('exit', r); setTimeout(r, 3000); });
      if (child.exitCode === null) child.kill();
    }
  }
}

/** Forks one bench API server holding share k of n of the objects. */
function forkServer(k: number, n: number): { child: ChildProcess; next: () => Promise<FromServer> } {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', 'tsx'], env: { ...process.env, FW_CLUSTER_BENCH_SERVER: '1', FW_BENCH_SHARE: `${k}/${n}` }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiters: Array<(m: FromServer) => void> = [];
  child.on('message', (m: FromServer) => { for (const w of waiters.splice(0)) w(m); });
  return { child, next: () => new Promise((r) => waiters.push(r)) };
}

/** 10,000 objects across 3 clusters watched at once; returns the figures by name. */
export async function benchClusters(clusters = 3): Promise<Record<string, string | number>> {
  const { ClusterConnection } = await import('../../server/src/cluster/connection');
  const { FluxWatchCache } = await import('../../server/src/cluster/watch-cache');
  const { buildExplorerTree, objectNodeId } = await import('../../server/src/cluster/explorer-model');
  const { FLUX_KINDS } = await import('../../server/src/engine/kinds');
  type Node = import('../../server/src/cluster/explorer-model').ExplorerNode;
  const servers = Array.from({ length: clusters }, (_, k) => forkServer(k, clusters));
  try {
    const ready = await Promise.all(servers.map((x) => x.next()));
    const kcs = ready.map((r) => {
      if (r.op !== 'ready') throw new Error('bench server did not start');
      const kc = new KubeConfig();
      kc.loadFromFile(r.kubeconfig);
      return kc;
    });
    // Peer: the same paged lists of every cluster with plain fetch + JSON.parse, concurrently.
    const rawLists = (kc: KubeConfig): Promise<unknown> => Promise.all(FLUX_KINDS.map(async (k) => {
      let cont = '';
      do {
        const r = await fetch(`${kc.getCurrentCluster()?.server ?? ''}/apis/${k.group}/${k.current}/${k.plural}?limit=500${cont ? `&continue=${cont}` : ''}`, { headers: { Authorization: `Bearer ${kc.getCurrentUser()?.token ?? ''}` } });
        cont = (JSON.parse(await r.text()) as { metadata?: { continue?: string } }).metadata?.continue ?? '';
      } while (cont);
    }));
    await Promise.all(kcs.map(rawLists));
    const tr = performance.now();
    await Promise.all(kcs.map(rawLists));
    const rawMs = performance.now() - tr;
    const conns = kcs.map((kc) => new ClusterConnection({ kubeConfig: kc }));
    const caches = conns.map((c) => new FluxWatchCache(c));
    const syncMs: number[] = [];
    const t0 = performance.now();
    await Promise.all(caches.map((c, i) => c.start().then(() => { syncMs[i] = performance.now() - t0; })));
    const allMs = performance.now() - t0;
    const objects = caches.reduce((n, c) => { const s = c.snapshot(); return n + s.kinds.reduce((m, k) => m + s.objects(k).length, 0); }, 0);
    const contexts = caches.map((_, i) => `cluster-${i}`);
    const buildAll = (): Node[][] => caches.map((c, i) => buildExplorerTree(c.snapshot(), { context: contexts[i]! }));
    await new Promise((r) => setTimeout(r, 300));
    const latencies: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const i = ((s * 97) % 1000) * clusters;
      const target = s % clusters;
      // GitRepositories come first in MIX (sequence number == index): cluster k holds those with index % clusters == k.
      const gi = i + target;
      const revision = `main@sha1:${(s + 1).toString(16).padStart(40, 'b')}`;
      const id = objectNodeId(contexts[target]!, { kind: 'GitRepository', namespace: `team-${gi % NAMESPACES}`, name: `gitrepository-${gi}` });
      const expected = `main@sha1:${revision.slice(10, 18)}`;
      const seen = new Promise<number>((resolve) => {
        const off = caches[target]!.onDidChange(() => {
          const trees = buildAll(); // every root rebuilt, as the explorer does on a change
          if (find(trees[target]!, id)?.description === expected) { off(); resolve(performance.now()); }
        });
      });
      const start = performance.now();
      servers[target]!.child.send({ op: 'modify', i: gi, revision } satisfies ToServer);
      latencies.push((await seen) - start);
      await new Promise((r) => setTimeout(r, 100));
    }
    latencies.sort((a, b) => a - b);
    for (const c of caches) c.dispose();
    for (const c of conns) c.dispose();
    return {
      [`${clusters} clusters at once: objects`]: objects,
      [`${clusters} clusters: initial sync per cluster (ms, target <= 1500 each)`]: syncMs.map((x) => Math.round(x)).join(' / '),
      [`${clusters} clusters: all synced (ms)`]: Math.round(allMs),
      [`${clusters} clusters: peer, same paged lists with plain fetch+JSON.parse (ms)`]: Math.round(rawMs),
      [`${clusters} clusters: watch event -> all trees rebuilt p50 (ms)`]: Math.round(percentile(latencies, 50)),
      [`${clusters} clusters: watch event -> all trees rebuilt p95 (ms, target <= 100)`]: Math.round(percentile(latencies, 95)),
    };
  } finally {
    for (const x of servers) x.child.send({ op: 'exit' } satisfies ToServer);
    await Promise.all(servers.map((x) => new Promise((r) => { x.child.once('exit', r); setTimeout(r, 3000).unref(); })));
    for (const x of servers) if (x.child.exitCode === null) x.child.kill();
  }
}

if (process.env.FW_CLUSTER_BENCH_SERVER === '1') {
  void serve();
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchCluster().then((r) => {
    for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v}`);
    process.exit(0);
  }, (err: unknown) => { console.error(err); process.exit(1); });
}
