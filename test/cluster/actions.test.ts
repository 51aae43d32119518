/**
 * Integration tests of the cluster core and the CLI's cluster commands through
 * @kubernetes/client-node against an in-process HTTP API server with a tiny Flux controller
 * simulator (H3's shared fixture, test/fixture/apiserver.ts, was not available when these were
 * written; the fake below implements only what these tests need).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { KubeConfig } from '@kubernetes/client-node';
import { FLUX_KINDS, findKind } from '../../server/src/engine/kinds';
import { FORCE_AT, reconcile, REQUESTED_AT, RESET_AT, resume, suspend } from '../../server/src/cluster/actions';
import { checkFlux } from '../../server/src/cluster/check';
import { listEvents } from '../../server/src/cluster/events';
import { type ClusterAccess, forgetDiscovery, getRows } from '../../server/src/cluster/get';
import { readHelmRelease } from '../../server/src/cluster/helm-storage';
import { tree } from '../../server/src/cluster/inventory';
import { runClusterCommand } from '../../server/src/cli/cluster-commands';
import type { FluxObject } from '../../server/src/cluster/types';

// ---------------------------------------------------------------- fake API server
type Json = Record<string, unknown>;
type Behaviour = { mode: 'ok' } | { mode: 'fail'; reason: string; message: string } | { mode: 'stall'; reason: string; message: string } | { mode: 'hang' };

interface Req { method: string; path: string; query: URLSearchParams; contentType: string; body: string }

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Json = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [k, v] of Object.entries(patch as Json)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

class FakeCluster {
  objects = new Map<string, Json>(); // key: plural.group/ns/name
  core = { events: [] as Json[], secrets: [] as Json[], deployments: [] as Json[], crds: [] as Json[] };
  behaviour = new Map<string, Behaviour>();
  requests: Req[] = [];
  servedGroups = new Set(FLUX_KINDS.map((k) => k.group));
  server = http.createServer((req, res) => this.handle(req, res));
  kubeconfigPath = '';

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    const port = (this.server.address() as { port: number }).port;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-h5-'));
    this.kubeconfigPath = path.join(dir, 'kubeconfig');
    fs.writeFileSync(this.kubeconfigPath, [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      `clusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: test-token}}]',
      'contexts: [{name: fake, context: {cluster: fake, user: u}}]', '',
    ].join('\n'));
  }

  stop(): Promise<void> { return new Promise((r) => this.server.close(() => r())); }

  reset(): void {
    this.objects.clear(); this.behaviour.clear(); this.requests = [];
    this.core = { events: [], secrets: [], deployments: [], crds: [] };
    this.servedGroups = new Set(FLUX_KINDS.map((k) => k.group));
  }

  private k(kind: string, ns: string, name: string): string {
    const info = findKind(kind)!;
    return `${info.plural}.${info.group}/${ns}/${name}`;
  }

  seed(obj: FluxObject, behaviour: Behaviour = { mode: 'ok' }): void {
    const o = structuredClone(obj) as unknown as Json & FluxObject;
    o.metadata.generation ??= 1;
    const key = this.k(obj.kind, obj.metadata.namespace ?? '', obj.metadata.name);
    this.objects.set(key, o as unknown as Json);
    this.behaviour.set(key, behaviour);
  }

  get(kind: string, ns: string, name: string): FluxObject {
    return this.objects.get(this.k(kind, ns, name)) as unknown as FluxObject;
  }

  patches(): Req[] { return this.requests.filter((r) => r.method === 'PATCH'); }

  /** The controller: handles requestedAt tokens and generation bumps shortly after a patch. */
  private simulate(key: string, tokenChanged: boolean, specChanged: boolean): void {
    setTimeout(() => {
      const o = this.objects.get(key) as unknown as FluxObject | undefined;
      if (!o || o.spec?.suspend === true) return;
      const b = this.behaviour.get(key) ?? { mode: 'ok' };
      if (b.mode === 'hang') return;
      const st = (o.status ??= {});
      if (tokenChanged) st.lastHandledReconcileAt = o.metadata.annotations?.[REQUESTED_AT];
      if (!tokenChanged && !specChanged) return;
      st.observedGeneration = o.metadata.generation;
      if (b.mode === 'ok') {
        st.conditions = [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: 'ok' }];
        if (o.kind === 'Kustomization') st.lastAppliedRevision = 'main@sha1:' + 'c'.repeat(40);
        else if (o.kind === 'HelmRelease') st.history = [{ chartVersion: '6.5.4', name: o.metadata.name, version: 1 }];
        else st.artifact = { revision: 'main@sha1:' + 'd'.repeat(40) };
      } else {
        st.conditions = [
          { type: 'Ready', status: 'False', reason: b.reason, message: b.message },
          b.mode === 'stall'
            ? { type: 'Stalled', status: 'True', reason: b.reason, message: b.message }
            : { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: b.message },
        ];
      }
    }, 15);
  }

  private send(res: http.ServerResponse, code: number, body: unknown): void {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private notFound(res: http.ServerResponse, what: string): void {
    this.send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${what} not found` });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const r: Req = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, contentType: String(req.headers['content-type'] ?? ''), body };
      this.requests.push(r);
      if (req.headers.authorization !== 'Bearer test-token') { this.send(res, 401, { kind: 'Status', code: 401, message: 'Unauthorized' }); return; }
      this.route(r, res);
    });
  }

  private route(r: Req, res: http.ServerResponse): void {
    const p = r.path;
    if (p === '/apis') {
      const groups = [...this.servedGroups].map((g) => {
        const versions = [...new Set(FLUX_KINDS.filter((k) => k.group === g).map((k) => k.current))];
        return { name: g, versions: versions.map((v) => ({ groupVersion: `${g}/${v}`, version: v })) };
      });
      this.send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups });
      return;
    }
    let m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/(events|secrets)(?:\/([^/]+))?$/);
    if (m) {
      const [, ns, what, name] = m;
      const items = (what === 'events' ? this.core.events : this.core.secrets).filter((o) => (o.metadata as Json).namespace === ns);
      if (name) {
        const o = items.find((x) => (x.metadata as Json).name === name);
        if (o) this.send(res, 200, o); else this.notFound(res, `secrets "${name}"`);
        return;
      }
      let out = items;
      const fs2 = r.query.get('fieldSelector');
      if (fs2) {
        for (const term of fs2.split(',')) {
          const [f, v] = term.split('=');
          const field = (f ?? '').replace('involvedObject.', '');
          out = out.filter((e) => String((e.involvedObject as Json)[field]) === v);
        }
      }
      out = this.byLabels(out, r.query.get('labelSelector'));
      this.send(res, 200, { kind: what === 'events' ? 'EventList' : 'SecretList', apiVersion: 'v1', metadata: {}, items: out });
      return;
    }
    m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments$/);
    if (m) {
      const items = this.byLabels(this.core.deployments.filter((d) => (d.metadata as Json).namespace === m![1]), r.query.get('labelSelector'));
      this.send(res, 200, { kind: 'DeploymentList', apiVersion: 'apps/v1', metadata: {}, items });
      return;
    }
    if (p === '/apis/apiextensions.k8s.io/v1/customresourcedefinitions') {
      this.send(res, 200, { kind: 'CustomResourceDefinitionList', apiVersion: 'apiextensions.k8s.io/v1', metadata: {}, items: this.core.crds });
      return;
    }
    m = p.match(/^\/apis\/([^/]+)\/([^/]+)\/(?:namespaces\/([^/]+)\/)?([^/]+)(?:\/([^/]+))?$/);
    if (m) {
      const [, group, version, ns, plural, name] = m;
      const info = FLUX_KINDS.find((k) => k.group === group && k.plural === plural);
      if (!info || !this.servedGroups.has(group!) || version !== info.current) { this.send(res, 404, { kind: 'Status', code: 404, message: '404 page not found' }); return; }
      const prefix = `${plural}.${group}/`;
      if (!name) {
        const items = [...this.objects.entries()].filter(([k]) => k.startsWith(prefix) && (ns === undefined || k.startsWith(`${prefix}${ns}/`))).map(([, o]) => o);
        this.send(res, 200, { apiVersion: `${group}/${version}`, kind: `${info.kind}List`, metadata: {}, items });
        return;
      }
      const key = `${prefix}${ns}/${name}`;
      const o = this.objects.get(key);
      if (!o) { this.notFound(res, `${plural}.${group} "${name}"`); return; }
      if (r.method === 'PATCH') {
        if (r.contentType !== 'application/merge-patch+json') { this.send(res, 415, { kind: 'Status', code: 415, message: `unsupported patch type ${r.contentType}` }); return; }
        const before = o as unknown as FluxObject;
        const next = mergePatch(o, JSON.parse(r.body)) as unknown as FluxObject;
        const specChanged = JSON.stringify(before.spec ?? {}) !== JSON.stringify(next.spec ?? {});
        const tokenChanged = before.metadata.annotations?.[REQUESTED_AT] !== next.metadata.annotations?.[REQUESTED_AT];
        if (specChanged) next.metadata.generation = (before.metadata.generation ?? 1) + 1;
        this.objects.set(key, next as unknown as Json);
        this.simulate(key, tokenChanged, specChanged);
        this.send(res, 200, next);
        return;
      }
      this.send(res, 200, o);
      return;
    }
    this.send(res, 404, { kind: 'Status', code: 404, message: '404 page not found' });
  }

  private byLabels(items: Json[], selector: string | null): Json[] {
    if (!selector) return items;
    return items.filter((o) => selector.split(',').every((t) => {
      const [k, v] = t.split('=');
      return ((o.metadata as Json).labels as Record<string, string> | undefined)?.[k!] === v;
    }));
  }
}

// ---------------------------------------------------------------- helpers
const fake = new FakeCluster();
let conn: ClusterAccess;
const FAST = { pollMs: 10, timeoutMs: 5_000 };

const ready = (message = 'ok') => [{ type: 'Ready', status: 'True' as const, reason: 'Succeeded', message }];
function fluxObj(kind: string, name: string, spec: Json = {}, status: Json = { observedGeneration: 1, conditions: ready() }, ns = 'flux-system'): FluxObject {
  const info = findKind(kind)!;
  return { apiVersion: `${info.group}/${info.current}`, kind, metadata: { name, namespace: ns, generation: 1 }, spec: { interval: '5m', ...spec }, status: status as FluxObject['status'] };
}

function capture(): { io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }; out: () => string; err: () => string } {
  let out = ''; let err = '';
  const mk = (f: (s: string) => void): NodeJS.WritableStream => ({ write: (s: string | Uint8Array) => { f(String(s)); return true; } }) as unknown as NodeJS.WritableStream;
  return { io: { stdout: mk((s) => { out += s; }), stderr: mk((s) => { err += s; }) }, out: () => out, err: () => err };
}

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = capture();
  const code = await runClusterCommand([...args, '--kubeconfig', fake.kubeconfigPath, '--poll-interval', '10ms'], c.io);
  return { code, out: c.out(), err: c.err() };
}

function helmSecret(ns: string, release: string, version: number, manifest: string): Json {
  const json = Buffer.from(JSON.stringify({ name: release, namespace: ns, version, info: { status: 'deployed' }, chart: { metadata: { name: 'podinfo', version: '6.5.4' } }, config: { token: 'SECRET-VALUE' }, manifest }));
  const helmB64 = gzipSync(json).toString('base64');
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${release}.v${version}`, namespace: ns, labels: { owner: 'helm', name: release, version: String(version) } },
    data: { release: Buffer.from(helmB64).toString('base64') },
  };
}

before(async () => {
  await fake.start();
  const kc = new KubeConfig();
  kc.loadFromFile(fake.kubeconfigPath);
  conn = { kubeConfig: kc, fluxNamespace: 'flux-system' };
});
after(() => fake.stop());
beforeEach(() => { fake.reset(); forgetDiscovery(conn); });

// ---------------------------------------------------------------- reconcile
describe('reconcile', () => {
  test('annotates with an RFC3339 nano token via merge patch, waits for it, reports the revision', async () => {
    fake.seed(fluxObj('GitRepository', 'podinfo', { url: 'https://github.com/x/y' }));
    const progress: string[] = [];
    const r = await reconcile(conn, { kind: 'GitRepository', namespace: 'flux-system', name: 'podinfo' }, { ...FAST, onProgress: (m) => progress.push(m) });
    assert.equal(r.outcome, 'success');
    assert.equal(r.message, `GitRepository flux-system/podinfo: fetched revision main@sha1:${'d'.repeat(40)}`);
    const [patch] = fake.patches();
    assert.equal(patch?.contentType, 'application/merge-patch+json');
    assert.equal(patch?.path, '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories/podinfo');
    const token = (JSON.parse(patch!.body) as { metadata: { annotations: Record<string, string> } }).metadata.annotations[REQUESTED_AT];
    assert.match(token ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    assert.equal(fake.get('GitRepository', 'flux-system', 'podinfo').status?.lastHandledReconcileAt, token);
    assert.deepEqual(progress, ['annotating GitRepository flux-system/podinfo', 'waiting for GitRepository flux-system/podinfo reconciliation']);
    // GET came before the patch.
    assert.equal(fake.requests.find((q) => q.path.includes('/gitrepositories/'))?.method, 'GET');
  });

  test('a suspended object is refused without patching', async () => {
    fake.seed(fluxObj('Kustomization', 'apps', { suspend: true }));
    const r2 = await reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, FAST);
    assert.equal(r2.outcome, 'failed');
    assert.equal(r2.noop, true);
    assert.match(r2.message, /resource is suspended/);
    assert.equal(fake.patches().length, 0);
  });

  test('an OCI HelmRepository is a successful no-op', async () => {
    fake.seed(fluxObj('HelmRepository', 'podinfo', { type: 'oci', url: 'oci://ghcr.io/x' }));
    const r = await reconcile(conn, { kind: 'HelmRepository', namespace: 'flux-system', name: 'podinfo' }, FAST);
    assert.equal(r.outcome, 'success');
    assert.equal(r.noop, true);
    assert.match(r.message, /not supported/);
    assert.equal(fake.patches().length, 0);
  });

  test('HelmRelease --force and --reset set forceAt/resetAt to the same token', async () => {
    fake.seed(fluxObj('HelmRelease', 'podinfo', { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }));
    const r = await reconcile(conn, { kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' }, { ...FAST, force: true, reset: true });
    assert.equal(r.outcome, 'success');
    assert.equal(r.message, 'HelmRelease flux-system/podinfo: applied revision 6.5.4');
    const ann = (JSON.parse(fake.patches()[0]!.body) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    assert.ok(ann[REQUESTED_AT]);
    assert.equal(ann[FORCE_AT], ann[REQUESTED_AT]);
    assert.equal(ann[RESET_AT], ann[REQUESTED_AT]);
  });

  test('force/reset are ignored for non-HelmRelease kinds', async () => {
    fake.seed(fluxObj('Kustomization', 'apps', { sourceRef: { kind: 'GitRepository', name: 'flux-system' } }));
    await reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, { ...FAST, force: true, reset: true });
    const ann = (JSON.parse(fake.patches()[0]!.body) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    assert.deepEqual(Object.keys(ann), [REQUESTED_AT]);
  });

  test('with source: Kustomization reconciles its sourceRef first', async () => {
    fake.seed(fluxObj('GitRepository', 'repo', {}, { observedGeneration: 1, conditions: ready() }, 'src'));
    fake.seed(fluxObj('Kustomization', 'apps', { sourceRef: { kind: 'GitRepository', name: 'repo', namespace: 'src' } }));
    const r = await reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, { ...FAST, withSource: true });
    assert.equal(r.outcome, 'success');
    assert.equal(r.source?.outcome, 'success');
    assert.deepEqual(fake.patches().map((p) => p.path), [
      '/apis/source.toolkit.fluxcd.io/v1/namespaces/src/gitrepositories/repo',
      '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps',
    ]);
  });

  test('with source: HelmRelease chart → HelmChart <ns>-<name> in the sourceRef namespace', async () => {
    fake.seed(fluxObj('HelmChart', 'apps-podinfo', {}, { observedGeneration: 1, conditions: ready() }, 'charts'));
    fake.seed(fluxObj('HelmRelease', 'podinfo', { chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'repo', namespace: 'charts' } } } }, { observedGeneration: 1 }, 'apps'));
    const r = await reconcile(conn, { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }, { ...FAST, withSource: true });
    assert.equal(r.outcome, 'success');
    assert.equal(fake.patches()[0]?.path, '/apis/source.toolkit.fluxcd.io/v1/namespaces/charts/helmcharts/apps-podinfo');
  });

  test('with source: HelmRelease chartRef → that object', async () => {
    fake.seed(fluxObj('OCIRepository', 'podinfo', {}, { observedGeneration: 1 }, 'apps'));
    fake.seed(fluxObj('HelmRelease', 'podinfo', { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }, { observedGeneration: 1 }, 'apps'));
    const r = await reconcile(conn, { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }, { ...FAST, withSource: true });
    assert.equal(r.outcome, 'success');
    assert.equal(r.source?.message, `OCIRepository apps/podinfo: fetched revision main@sha1:${'d'.repeat(40)}`);
    assert.equal(fake.patches()[0]?.path, '/apis/source.toolkit.fluxcd.io/v1/namespaces/apps/ocirepositories/podinfo');
  });

  test('a failing source stops before the object is annotated', async () => {
    fake.seed(fluxObj('GitRepository', 'repo'), { mode: 'fail', reason: 'GitOperationFailed', message: 'authentication required' });
    fake.seed(fluxObj('Kustomization', 'apps', { sourceRef: { kind: 'GitRepository', name: 'repo' } }));
    const r = await reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, { ...FAST, withSource: true });
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /source not reconciled: .*authentication required/);
    assert.equal(fake.patches().length, 1);
  });

  for (const [reason, message] of [
    ['BuildFailed', 'kustomize build failed: missing.yaml not found'],
    ['HealthCheckFailed', 'timeout waiting for: [Deployment/apps/podinfo]'],
    ['DependencyNotReady', "dependency 'flux-system/infra' is not ready"],
  ] as const) {
    test(`failure class ${reason} → failed with the Ready message (no waiting out the timeout)`, async () => {
      fake.seed(fluxObj('Kustomization', 'apps'), { mode: 'fail', reason, message });
      const r = await reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, { pollMs: 10, timeoutMs: 60_000 });
      assert.equal(r.outcome, 'failed');
      assert.equal(r.message, `Kustomization flux-system/apps: ${reason}: ${message}`);
    });
  }

  test('stalled → failed', async () => {
    fake.seed(fluxObj('HelmRelease', 'podinfo', { chartRef: { kind: 'OCIRepository', name: 'x' } }), { mode: 'stall', reason: 'RetriesExceeded', message: 'Failed to upgrade after 3 attempt(s)' });
    const r = await reconcile(conn, { kind: 'HelmRelease', namespace: 'flux-system', name: 'podinfo' }, FAST);
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /stalled: Failed to upgrade after 3 attempt/);
  });

  test('a controller that never answers → timeout', async () => {
    fake.seed(fluxObj('GitRepository', 'repo'), { mode: 'hang' });
    const r = await reconcile(conn, { kind: 'GitRepository', namespace: 'flux-system', name: 'repo' }, { pollMs: 10, timeoutMs: 100 });
    assert.equal(r.outcome, 'timeout');
    assert.match(r.message, /timeout waiting for GitRepository flux-system\/repo to be reconciled/);
  });

  test('abort signal → cancelled', async () => {
    fake.seed(fluxObj('GitRepository', 'repo'), { mode: 'hang' });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const r = await reconcile(conn, { kind: 'GitRepository', namespace: 'flux-system', name: 'repo' }, { pollMs: 10, timeoutMs: 60_000, signal: ac.signal });
    assert.equal(r.outcome, 'cancelled');
  });

  test('Alert (no status) is annotated without waiting', async () => {
    fake.seed({ ...fluxObj('Alert', 'slack'), status: undefined }, { mode: 'hang' });
    const r = await reconcile(conn, { kind: 'Alert', namespace: 'flux-system', name: 'slack' }, { pollMs: 10, timeoutMs: 60_000 });
    assert.equal(r.outcome, 'success');
    assert.equal(fake.patches().length, 1);
  });

  test('an unknown kind is rejected before any request', async () => {
    await assert.rejects(reconcile(conn, { kind: 'Widget', namespace: 'flux-system', name: 'x' }, FAST), /unknown Flux kind 'Widget'/);
    assert.equal(fake.requests.length, 0);
  });

  test('a missing object is a not-found error naming it', async () => {
    await assert.rejects(reconcile(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'nope' }, FAST), /Kustomization flux-system\/nope not found/);
  });
});

// ---------------------------------------------------------------- suspend / resume
describe('suspend and resume', () => {
  test('suspend merge-patches spec.suspend=true without annotation', async () => {
    fake.seed(fluxObj('Kustomization', 'apps'));
    const r = await suspend(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' });
    assert.equal(r.outcome, 'success');
    assert.deepEqual(JSON.parse(fake.patches()[0]!.body), { spec: { suspend: true } });
    assert.equal(fake.get('Kustomization', 'flux-system', 'apps').spec?.suspend, true);
  });

  test('resume patches suspend=null and waits for Ready at the new generation', async () => {
    fake.seed(fluxObj('Kustomization', 'apps', { suspend: true }));
    const r = await resume(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, FAST);
    assert.equal(r.outcome, 'success');
    assert.equal(r.message, 'Kustomization apps reconciliation completed');
    assert.deepEqual(JSON.parse(fake.patches()[0]!.body), { spec: { suspend: null } });
    const o = fake.get('Kustomization', 'flux-system', 'apps');
    assert.equal(o.spec?.suspend, undefined);
    assert.equal(o.metadata.generation, 2);
    assert.equal(o.status?.observedGeneration, 2);
  });

  test('resume of a failing object reports the failure', async () => {
    fake.seed(fluxObj('Kustomization', 'apps', { suspend: true }), { mode: 'fail', reason: 'BuildFailed', message: 'bad kustomization.yaml' });
    const r = await resume(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, FAST);
    assert.equal(r.outcome, 'failed');
    assert.match(r.message, /BuildFailed: bad kustomization.yaml/);
  });
});

// ---------------------------------------------------------------- events, tree, helm, check, get
function event(name: string, kind: string, objName: string, type: string, reason: string, message: string, time: string, ns = 'flux-system'): Json {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, involvedObject: { kind, name: objName, namespace: ns }, type, reason, message, lastTimestamp: time, count: 1, source: { component: 'kustomize-controller' } };
}

describe('events', () => {
  test("the object's and its source's events, sorted by last timestamp, with fallbacks", async () => {
    fake.seed(fluxObj('GitRepository', 'repo'));
    fake.seed(fluxObj('Kustomization', 'apps', { sourceRef: { kind: 'GitRepository', name: 'repo' } }));
    fake.core.events.push(
      event('e1', 'Kustomization', 'apps', 'Normal', 'ReconciliationSucceeded', 'applied', '2025-01-01T00:03:00Z'),
      event('e2', 'GitRepository', 'repo', 'Warning', 'GitOperationFailed', 'auth required', '2025-01-01T00:01:00Z'),
      { ...event('e3', 'Kustomization', 'apps', 'Warning', 'BuildFailed', 'build failed', ''), lastTimestamp: undefined, eventTime: '2025-01-01T00:02:00.000000Z' },
      event('e4', 'Kustomization', 'other', 'Normal', 'X', 'unrelated', '2025-01-01T00:00:00Z'),
      event('e5', 'Kustomization', 'apps', 'Normal', 'X', 'other namespace', '2025-01-01T00:00:00Z', 'default'),
    );
    const events = await listEvents(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' });
    assert.deepEqual(events.map((e) => e.message), ['auth required', 'build failed', 'applied']);
    assert.equal(events[1]?.lastSeen, '2025-01-01T00:02:00.000Z');
    const sel = fake.requests.filter((q) => q.path.endsWith('/events')).map((q) => q.query.get('fieldSelector'));
    assert.deepEqual(sel, ['involvedObject.kind=Kustomization,involvedObject.name=apps', 'involvedObject.kind=GitRepository,involvedObject.name=repo']);
    const own = await listEvents(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }, { includeSource: false });
    assert.equal(own.length, 2);
  });
});

describe('inventory tree and Helm storage', () => {
  test('tree recurses into child Kustomizations and HelmReleases', async () => {
    fake.seed(fluxObj('Kustomization', 'infra', {}, { observedGeneration: 1, conditions: ready(), inventory: { entries: [
      { id: '_apps__Namespace', v: 'v1' },
      { id: 'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' },
      { id: 'flux-system_infra_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' }, // its own entry: left out like `flux tree`
    ] } }));
    fake.seed(fluxObj('Kustomization', 'apps', {}, { observedGeneration: 1, conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'x' }], inventory: { entries: [
      { id: 'apps_podinfo_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' },
      { id: 'apps_missing_helm.toolkit.fluxcd.io_HelmRelease', v: 'v2' },
    ] } }));
    fake.seed(fluxObj('HelmRelease', 'podinfo', { chartRef: { kind: 'OCIRepository', name: 'podinfo' } }, { observedGeneration: 1, conditions: ready(), storageNamespace: 'apps', history: [{ name: 'podinfo', version: 2, chartVersion: '6.5.4' }] }, 'apps'));
    fake.core.secrets.push(helmSecret('apps', 'podinfo', 2, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: podinfo\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\n  namespace: apps\n'));
    const t = await tree(conn, { kind: 'Kustomization', namespace: 'flux-system', name: 'infra' });
    const c = await cli('tree', 'kustomization', 'infra');
    assert.equal(c.code, 0);
    assert.equal(c.out, [
      'Kustomization/flux-system/infra',
      '├── Namespace/apps',
      '└── Kustomization/flux-system/apps [failing]',
      '    ├── HelmRelease/apps/podinfo',
      '    │   ├── Service/apps/podinfo',
      '    │   └── Deployment/apps/podinfo',
      '    └── HelmRelease/apps/missing (HelmRelease apps/missing not found)',
      '',
    ].join('\n'));
    assert.equal(t.children.length, 2);
    assert.ok(!c.out.includes('SECRET-VALUE'));
  });

  test('readHelmRelease finds the latest version by label when history is empty', async () => {
    // Storage stays in the HelmRelease's namespace; targetNamespace only prefixes the release name.
    const hr = fluxObj('HelmRelease', 'podinfo', { targetNamespace: 'apps' }, { observedGeneration: 1 }, 'flux-system');
    fake.core.secrets.push(helmSecret('flux-system', 'apps-podinfo', 1, 'kind: ConfigMap\nmetadata: {name: old}\n'), helmSecret('flux-system', 'apps-podinfo', 3, 'kind: ConfigMap\nmetadata: {name: new}\n'));
    const rel = await readHelmRelease(conn, hr);
    assert.equal(rel.version, 3);
    assert.deepEqual(rel.objects.map((o) => o.name), ['new']);
    assert.ok(!JSON.stringify(rel).includes('SECRET-VALUE'));
  });
});

function deployment(name: string, readyReplicas: number): Json {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name, namespace: 'flux-system', generation: 1, labels: { 'app.kubernetes.io/part-of': 'flux' } },
    spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'manager', image: `ghcr.io/fluxcd/${name}:v1.0.0` }] } } },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, readyReplicas, availableReplicas: readyReplicas },
  };
}
function crd(kindName: string, stored: string[], version?: string): Json {
  const k = findKind(kindName)!;
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${k.group}`, labels: version ? { 'app.kubernetes.io/version': version } : {} },
    spec: { group: k.group, names: { kind: k.kind, plural: k.plural }, scope: 'Namespaced', versions: [{ name: k.current, served: true, storage: true }] },
    status: { storedVersions: stored },
  };
}

describe('check / health', () => {
  beforeEach(() => {
    // Every CRD of the source and kustomize controllers; the image and other CRDs are absent.
    fake.core.crds.push(crd('GitRepository', ['v1beta2', 'v1'], 'v2.6.1'));
    for (const k of FLUX_KINDS) {
      if (k.kind !== 'GitRepository' && (k.controller === 'source-controller' || k.controller === 'kustomize-controller')) fake.core.crds.push(crd(k.kind, [k.current]));
    }
  });

  test('all controllers ready', async () => {
    fake.core.deployments.push(deployment('source-controller', 1), deployment('kustomize-controller', 1));
    const r = await checkFlux(conn);
    assert.equal(r.ok, true);
    assert.equal(r.fluxVersion, 'v2.6.1');
    assert.equal(r.summary, 'Flux v2.6.1: 2/2 controllers ready');
    assert.deepEqual(r.crds.find((c) => c.kind === 'GitRepository')?.storedVersions, ['v1beta2', 'v1']);
    assert.ok(r.missingCrds.some((m) => m.kind === 'ImagePolicy' && !m.required));
    const sel = fake.requests.find((q) => q.path.endsWith('/deployments'))?.query.get('labelSelector');
    assert.equal(sel, 'app.kubernetes.io/part-of=flux');
  });

  test('a not-ready controller fails the check; a CRD the installation does not ship is information only', async () => {
    fake.core.deployments.push(deployment('source-controller', 1), deployment('kustomize-controller', 0), deployment('image-reflector-controller', 1));
    const r = await checkFlux(conn);
    assert.equal(r.ok, false);
    assert.equal(r.summary, 'Flux v2.6.1: 1/3 controllers not ready (kustomize-controller)');
    assert.ok(r.problems.some((p) => p.includes('kustomize-controller is not ready: 0/1 replicas ready')));
    // `flux check` judges only the CRDs labelled part-of=flux: a missing kind never fails it.
    assert.ok(r.missingCrds.some((m) => m.kind === 'ImageRepository' && !m.required));
    const c = await cli('health', '--timeout', '0s');
    assert.equal(c.code, 1);
    assert.match(c.out, /✗ kustomize-controller: 0\/1 replicas ready/);
    assert.match(c.out, /✔ gitrepositories.source.toolkit.fluxcd.io: stored versions v1beta2, v1/);
  });

  test('no Flux in the namespace', async () => {
    const r = await checkFlux({ ...conn, fluxNamespace: 'elsewhere' });
    assert.equal(r.ok, false);
    assert.equal(r.summary, 'Flux not found in elsewhere');
  });
});

describe('get and the CLI', () => {
  beforeEach(() => {
    fake.seed(fluxObj('GitRepository', 'flux-system', {}, { observedGeneration: 1, conditions: ready('stored artifact'), artifact: { revision: `main@sha1:${'ab'.repeat(20)}` } }));
    fake.seed(fluxObj('Kustomization', 'flux-system', { sourceRef: { kind: 'GitRepository', name: 'flux-system' } }, { observedGeneration: 1, conditions: ready('Applied revision'), lastAppliedRevision: `main@sha1:${'ab'.repeat(20)}` }));
    fake.seed(fluxObj('Kustomization', 'apps', { suspend: true }, { observedGeneration: 1 }, 'apps'));
    fake.seed({ ...fluxObj('Alert', 'slack'), status: undefined });
  });

  test('getRows in flux get all order, skipping kinds whose CRD is missing', async () => {
    fake.servedGroups.delete('image.toolkit.fluxcd.io');
    const rows = await getRows(conn, { namespace: 'flux-system' });
    assert.deepEqual(rows.map((r) => `${r.kind}/${r.name}`), ['GitRepository/flux-system', 'Kustomization/flux-system', 'Alert/slack']);
    assert.ok(!fake.requests.some((q) => q.path.includes('image.toolkit')), 'discovery avoided requests to missing groups');
    const all = await getRows(conn, { kind: 'Kustomization' });
    assert.deepEqual(all.map((r) => `${r.namespace}/${r.name}:${r.ready}:${r.message}:${r.suspended}`), [
      'apps/apps:False:waiting to be reconciled:true', 'flux-system/flux-system:True:Applied revision:false',
    ]);
    await assert.rejects(getRows(conn, { kind: 'ImagePolicy' }), /imagepolicies.image.toolkit.fluxcd.io CRD is not installed/);
  });

  test('get ks (text), -A, json', async () => {
    let c = await cli('get', 'ks');
    assert.equal(c.code, 0);
    assert.equal(c.out, 'NAME         REVISION            SUSPENDED  READY  MESSAGE\nflux-system  main@sha1:abababab  False      True   Applied revision\n');
    c = await cli('get', 'kustomizations', '-A');
    assert.match(c.out, /^NAMESPACE\s+NAME\s+REVISION\s+SUSPENDED\s+READY\s+MESSAGE\n/);
    assert.match(c.out, /apps\s+apps\s+True\s+False\s+waiting to be reconciled/);
    c = await cli('get', 'source', 'git', '--format', 'json');
    const rows = JSON.parse(c.out) as Array<{ name: string; revision: string }>;
    assert.deepEqual(rows.map((r) => [r.name, r.revision]), [['flux-system', 'main@sha1:abababab']]);
    c = await cli('get');
    assert.match(c.out, /gitrepository\/flux-system/);
    assert.match(c.out, /alert\/slack\s+False\s+True/);
  });

  test('reconcile, suspend, resume, events, explain, describe via the CLI with exit codes', async () => {
    let c = await cli('reconcile', 'ks', 'flux-system', '--with-source');
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /✔ GitRepository flux-system\/flux-system: fetched revision/);
    assert.match(c.out, /✔ Kustomization flux-system\/flux-system: applied revision main@sha1:c{40}/);
    assert.match(c.err, /◎ annotating Kustomization flux-system\/flux-system/);

    c = await cli('reconcile', 'kustomization', 'apps', '-n', 'apps');
    assert.equal(c.code, 1);
    assert.match(c.err, /resource is suspended/);

    c = await cli('suspend', 'ks', 'flux-system');
    assert.equal(c.code, 0);
    assert.equal(fake.get('Kustomization', 'flux-system', 'flux-system').spec?.suspend, true);
    c = await cli('resume', 'ks', 'flux-system');
    assert.equal(c.code, 0, c.err);
    assert.match(c.out, /Kustomization flux-system reconciliation completed/);

    fake.seed(fluxObj('GitRepository', 'stuck'), { mode: 'hang' });
    c = await cli('reconcile', 'gitrepository', 'stuck', '--timeout', '80ms');
    assert.equal(c.code, 3);
    assert.match(c.err, /timeout waiting for/);

    fake.seed(fluxObj('GitRepository', 'bad', { ref: { branch: 'mian' } }), { mode: 'fail', reason: 'GitOperationFailed', message: "couldn't find remote ref \"refs/heads/mian\"" });
    c = await cli('reconcile', 'gitrepo', 'bad');
    assert.equal(c.code, 1);
    assert.match(c.err, /GitOperationFailed: couldn't find remote ref/);
    c = await cli('explain', 'gitrepo', 'bad');
    assert.equal(c.code, 1);
    assert.match(c.out, /field: +spec\.ref\.branch/);
    assert.match(c.out, /'mian'/);

    fake.core.events.push(event('e1', 'Kustomization', 'flux-system', 'Warning', 'BuildFailed', 'oops', '2025-01-01T00:00:00Z'));
    c = await cli('events', 'ks', 'flux-system');
    assert.equal(c.code, 0);
    // Relative ages like `flux events` (the event is from 2025-01-01: hundreds of days ago).
    assert.match(c.out, /LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE\n\d+d\s+Warning\s+BuildFailed\s+Kustomization\/flux-system\s+oops/);

    c = await cli('describe', 'ks', 'flux-system');
    assert.equal(c.code, 0);
    assert.match(c.out, /^# Kustomization flux-system\/flux-system\n# state: ready/);
    assert.match(c.out, /\nkind: Kustomization\n/);

    c = await cli('suspend', 'ks', 'nope');
    assert.equal(c.code, 1);
    assert.match(c.err, /Kustomization flux-system\/nope not found/);
  });

  test('usage errors exit 2 without contacting the cluster', async () => {
    const before = fake.requests.length;
    for (const args of [['reconcile', 'ks'], ['reconcile', 'widget', 'x'], ['get', '--format', 'xml'], ['reconcile', 'ks', 'a', '--timeout', 'soon'], ['get', 'ks', '-n', 'a', '-A'], ['tree', 'gitrepository', 'x'], ['get', '--bogus']]) {
      const c = await cli(...args);
      assert.equal(c.code, 2, args.join(' '));
      assert.match(c.err, /flux-workbench/);
    }
    const c = capture();
    assert.equal(await runClusterCommand(['frobnicate'], c.io), 2);
    assert.equal(fake.requests.length, before);
  });

  test('unreachable server, bad context, and 401 exit 4 with a clear message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-h5-'));
    const dead = path.join(dir, 'dead');
    fs.writeFileSync(dead, fs.readFileSync(fake.kubeconfigPath, 'utf8').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    let c = capture();
    let code = await runClusterCommand(['get', 'ks', '--kubeconfig', dead], c.io);
    assert.equal(code, 4);
    assert.match(c.err(), /cannot reach the API server/);
    assert.ok(!c.err().includes('    at '), 'no stack trace');

    c = capture();
    code = await runClusterCommand(['get', 'ks', '--kubeconfig', fake.kubeconfigPath, '--context', 'nope'], c.io);
    assert.equal(code, 4);
    assert.match(c.err(), /context 'nope' not found/);

    const badToken = path.join(dir, 'badtoken');
    fs.writeFileSync(badToken, fs.readFileSync(fake.kubeconfigPath, 'utf8').replace('test-token', 'wrong'));
    c = capture();
    code = await runClusterCommand(['get', 'ks', '--kubeconfig', badToken], c.io);
    assert.equal(code, 4);
    assert.match(c.err(), /Unauthorized/);
    assert.ok(!c.err().includes('wrong'), 'the token is never printed');

    c = capture();
    code = await runClusterCommand(['health', '--kubeconfig', path.join(dir, 'missing')], c.io);
    assert.equal(code, 4);
    assert.match(c.err(), /does not exist/);
  });
});
