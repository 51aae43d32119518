/**
 * Controller log-tail against the fixture API server: pod discovery, tail/since, the time-ordered merge,
 * the flux CLI's filters, follow with a pod restart and a pod replacement (no duplicated or lost lines),
 * filter changes while following, stop.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeConfig } from '@kubernetes/client-node';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { seedFluxInstall } from '../fixture/seed';
import { replacePod, restartPod } from '../fixture/pod-lifecycle';
import { matchesFilter, parseLogLine, renderLogEntry, type LogEntry } from '../../server/src/cluster/logs/parse';
import { controllerPods } from '../../server/src/cluster/logs/pods';
import { LogTail, readControllerLogs } from '../../server/src/cluster/logs/tail';
import type { ClusterAccess } from '../../server/src/cluster/get';

function access(server: FakeApiServer): ClusterAccess {
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  kc.setCurrentContext('fake');
  return { kubeConfig: kc, fluxNamespace: 'flux-system', requestTimeoutMs: 5000 };
}

async function until(cond: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const line = (o: Record<string, unknown>): string => JSON.stringify(o);

describe('log-tail', () => {
  let server: FakeApiServer;
  let pods: Record<string, string>;
  const t0 = Date.parse('2026-12-01T10:00:00Z');
  const at = (s: number): Date => new Date(t0 + s * 1000);

  before(async () => {
    server = await startApiServer();
    pods = seedFluxInstall(server, { controllers: ['source-controller', 'kustomize-controller', 'helm-controller'], startupLogs: false }).pods;
    server.appendLog('flux-system', pods['kustomize-controller'], line({ level: 'info', ts: at(1).toISOString(), msg: 'server-side apply completed', controllerKind: 'Kustomization', name: 'apps', namespace: 'flux-system' }), 'manager', at(1));
    server.appendLog('flux-system', pods['source-controller'], line({ level: 'info', ts: at(2).toISOString(), msg: 'stored artifact', controllerKind: 'GitRepository', name: 'flux-system', namespace: 'flux-system' }), 'manager', at(2));
    server.appendLog('flux-system', pods['kustomize-controller'], line({ level: 'error', ts: at(3).toISOString(), msg: 'Reconciler error', error: 'failed to decrypt', controllerKind: 'Kustomization', name: 'apps', namespace: 'team-a' }), 'manager', at(3));
    server.appendLog('flux-system', pods['helm-controller'], 'not json: klog line', 'manager', at(4));
    server.appendLog('flux-system', pods['source-controller'], line({ level: 'debug', ts: at(5).toISOString(), msg: 'no changes', controllerKind: 'GitRepository', name: 'podinfo', namespace: 'apps' }), 'manager', at(5));
  });
  after(async () => { await server.close(); });

  test('controllerPods finds one pod per part-of=flux Deployment, container manager', async () => {
    const p = await controllerPods(access(server));
    assert.deepEqual(p.map((x) => x.controller), ['helm-controller', 'kustomize-controller', 'source-controller']);
    assert.equal(p[1].pod, pods['kustomize-controller']);
    assert.equal(p[1].container, 'manager');
    await assert.rejects(controllerPods(access(server), ['nope-controller']), /unknown controller nope-controller; the Flux controllers in flux-system are helm-controller, kustomize-controller, source-controller/);
  });

  test('reads all controllers merged in time order; non-JSON lines only under includeNonJson', async () => {
    const { entries } = await readControllerLogs(access(server), {});
    assert.deepEqual(entries.map((e) => e.msg), ['server-side apply completed', 'stored artifact', 'Reconciler error', 'no changes']);
    const withRaw = await readControllerLogs(access(server), { filter: { includeNonJson: true } });
    assert.deepEqual(withRaw.entries.map((e) => e.controller), ['kustomize-controller', 'source-controller', 'kustomize-controller', 'helm-controller', 'source-controller']);
    assert.equal(renderLogEntry(entries[2]), '2026-12-01T10:00:03.000Z error Kustomization team-a/apps Reconciler error failed to decrypt');
  });

  test('flux CLI filter semantics: kind case-insensitive, exact name, namespace unless all; tail and since', async () => {
    const conn = access(server);
    const ks = await readControllerLogs(conn, { filter: { kind: 'kustomization', name: 'apps', namespace: 'flux-system' } });
    assert.deepEqual(ks.entries.map((e) => e.msg), ['server-side apply completed']);
    const all = await readControllerLogs(conn, { filter: { kind: 'KUSTOMIZATION', name: 'apps', allNamespaces: true, namespace: 'flux-system' } });
    assert.equal(all.entries.length, 2);
    assert.equal((await readControllerLogs(conn, { filter: { name: 'app' } })).entries.length, 0);
    assert.deepEqual((await readControllerLogs(conn, { filter: { level: 'error' } })).entries.map((e) => e.error), ['failed to decrypt']);
    assert.deepEqual((await readControllerLogs(conn, { filter: { text: 'DECRYPT' } })).entries.length, 1);
    const tail1 = await readControllerLogs(conn, { controllers: ['source-controller'], tailLines: 1 });
    assert.deepEqual(tail1.entries.map((e) => e.name), ['podinfo']);
    const since = await readControllerLogs(conn, { sinceTime: at(3).toISOString() });
    assert.deepEqual(since.entries.map((e) => e.msg), ['Reconciler error', 'no changes']);
  });

  test('follow survives a restart and a replacement without duplicates or losses; filters change live; stop ends it', async () => {
    const conn = access(server);
    let shown: LogEntry[] = [];
    const status: string[] = [];
    const tail = new LogTail(conn, { controllers: ['kustomize-controller'], follow: true, flushMs: 20, backoffInitialMs: 20, pollMs: 50 }, {
      append: (b) => { shown.push(...b); },
      replace: (all) => { shown = [...all]; },
      status: (m) => status.push(m),
    });
    const running = tail.start();
    await until(() => shown.length === 2, 'the existing lines');
    const ns = 'flux-system';
    let pod = pods['kustomize-controller'];
    const emit = (i: number): void => server.appendLog(ns, pod, line({ level: 'info', ts: at(10 + i).toISOString(), msg: `line ${i}`, controllerKind: 'Kustomization', name: 'apps', namespace: ns }), 'manager', at(10 + i));
    emit(1);
    await until(() => shown.some((e) => e.msg === 'line 1'), 'line 1');
    // a line written just before the container restarts must still arrive (read from the previous log)
    emit(2);
    restartPod(server, ns, pod);
    await until(() => status.some((s) => /restarted/.test(s)), 'the restart notice');
    emit(3);
    await until(() => shown.some((e) => e.msg === 'line 3'), 'line 3 after restart');
    // replacement: a new pod name
    const old = pod;
    pod = replacePod(server, ns, old);
    assert.notEqual(pod, old);
    await until(() => status.some((s) => /was replaced by/.test(s)), 'the replacement notice');
    emit(4);
    await until(() => shown.some((e) => e.msg === 'line 4'), 'line 4 after replacement');
    const msgs = shown.filter((e) => e.msg.startsWith('line ')).map((e) => e.msg);
    assert.deepEqual(msgs, ['line 1', 'line 2', 'line 3', 'line 4']);
    // the filter changes while following: history re-filtered, new lines filtered
    tail.setFilter({ level: 'error' });
    assert.deepEqual(shown.map((e) => e.msg), ['Reconciler error']);
    emit(5);
    server.appendLog(ns, pod, line({ level: 'error', ts: at(20).toISOString(), msg: 'boom', controllerKind: 'Kustomization', name: 'apps', namespace: ns }), 'manager', at(20));
    await until(() => shown.some((e) => e.msg === 'boom'), 'the error line');
    assert.ok(!shown.some((e) => e.msg === 'line 5'));
    tail.stop();
    await running;
    assert.equal(tail.stopped, true);
  });
});

test('parseLogLine: kubelet timestamps, JSON fields, raw lines; matchesFilter on raw lines', () => {
  const e = parseLogLine('2026-12-01T10:00:00.123456789Z {"level":"info","ts":"2026-12-01T10:00:00.123Z","msg":"m","controllerKind":"HelmRelease","name":"a","namespace":"b","HelmRelease":{"name":"a","namespace":"b"}}', 'helm-controller');
  assert.equal(e.kubeTs, '2026-12-01T10:00:00.123456789Z');
  assert.equal(e.kind, 'HelmRelease');
  assert.equal(e.json, true);
  const raw = parseLogLine('I1201 10:00:00 klog style');
  assert.equal(raw.json, false);
  assert.equal(matchesFilter(raw, {}), false);
  assert.equal(matchesFilter(raw, { includeNonJson: true }), true);
  assert.equal(matchesFilter(raw, { includeNonJson: true, kind: 'HelmRelease' }), false);
  assert.equal(parseLogLine('{broken').json, false);
});

describe('flux-workbench logs', () => {
  let server: FakeApiServer;
  before(async () => {
    server = await startApiServer();
    const pods = seedFluxInstall(server, { controllers: ['kustomize-controller', 'source-controller'], startupLogs: false }).pods;
    const ts = (s: number): Date => new Date(Date.parse('2026-12-01T09:00:00Z') + s * 1000);
    server.appendLog('flux-system', pods['kustomize-controller'], JSON.stringify({ level: 'info', ts: ts(1).toISOString(), msg: 'applied', controllerKind: 'Kustomization', name: 'apps', namespace: 'flux-system' }), 'manager', ts(1));
    server.appendLog('flux-system', pods['source-controller'], JSON.stringify({ level: 'error', ts: ts(2).toISOString(), msg: 'fetch failed', error: 'auth', controllerKind: 'GitRepository', name: 'apps', namespace: 'team-a' }), 'manager', ts(2));
  });
  after(async () => { await server.close(); });

  const run = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const { runLogsCommand } = await import('../../server/src/cli/logs-command');
    let out = ''; let err = '';
    const w = (f: (s: string) => void) => ({ write: (c: string) => { f(c); return true; } }) as unknown as NodeJS.WritableStream;
    const code = await runLogsCommand([...args, '--kubeconfig', server.kubeconfigPath, '--context', 'fake'], { stdout: w((s) => { out += s; }), stderr: w((s) => { err += s; }) });
    return { code, out, err };
  };

  test('namespace defaults to flux-system like flux logs; -A for all; --kind case-insensitive; --format json', async () => {
    const dflt = await run('--name', 'apps');
    assert.equal(dflt.code, 0);
    assert.deepEqual(dflt.out.trim().split('\n'), ['2026-12-01T09:00:01.000Z info kustomize-controller Kustomization flux-system/apps applied']);
    const all = await run('--name', 'apps', '-A', '--kind', 'gitrepository', '--format', 'json');
    assert.deepEqual(JSON.parse(all.out.trim()), { level: 'error', ts: '2026-12-01T09:00:02.000Z', msg: 'fetch failed', error: 'auth', controllerKind: 'GitRepository', name: 'apps', namespace: 'team-a' });
  });

  test('usage errors exit 2, an unknown controller names the real ones, an unreachable cluster exits 4', async () => {
    assert.equal((await run('--tail', 'x')).code, 2);
    assert.equal((await run('--level', 'warn')).code, 2);
    const bad = await run('--controller', 'nope');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /unknown controller nope; the Flux controllers in flux-system are kustomize-controller, source-controller/);
    const { runLogsCommand } = await import('../../server/src/cli/logs-command');
    const sinkW = { write: () => true } as unknown as NodeJS.WritableStream;
    assert.equal(await runLogsCommand(['--kubeconfig', '/nonexistent/kubeconfig'], { stdout: sinkW, stderr: sinkW }), 4);
  });
});

test('logTargetFor: the object\'s controller and its source\'s, lines about either', async () => {
  const { logTargetFor } = await import('../../server/src/cluster/logs/target');
  const t = logTargetFor({ kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps', namespace: 'flux-system' },
    spec: { sourceRef: { kind: 'GitRepository', name: 'repo' } },
  });
  assert.deepEqual(t.controllers, ['kustomize-controller', 'source-controller']);
  const mk = (kind: string, name: string) => parseLogLine(JSON.stringify({ level: 'info', msg: 'x', controllerKind: kind, name, namespace: 'flux-system' }));
  assert.equal(matchesFilter(mk('GitRepository', 'repo'), t.filter), true);
  assert.equal(matchesFilter(mk('Kustomization', 'apps'), t.filter), true);
  assert.equal(matchesFilter(mk('Kustomization', 'other'), t.filter), false);
});
