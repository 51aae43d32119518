/**
 * Kubeconfig loading: multi-file KUBECONFIG merged like kubectl (first file wins), the explicit
 * setting path, context listing, and context switches that never rewrite the user's file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { type FakeApiServer, startApiServer } from '../fixture/apiserver';
import { addGitRepository, seedFluxInstall } from '../fixture/seed';
import { ClusterConnection } from '../../server/src/cluster/connection';
import { ClusterCallError, getRows } from '../../server/src/cluster/get';
import { kubeconfigFiles, listContexts, loadKubeConfig, withContext } from '../../server/src/cluster/kubeconfig';
import { runClusterCommand } from '../../server/src/cli/cluster-commands';
import { PassThrough } from 'node:stream';

function writeConfig(file: string, doc: { current?: string; clusters: Array<[string, string]>; users: Array<[string, string]>; contexts: Array<{ name: string; cluster: string; user: string; namespace?: string }> }): void {
  fs.writeFileSync(file, stringify({
    apiVersion: 'v1', kind: 'Config', preferences: {}, 'current-context': doc.current ?? '',
    clusters: doc.clusters.map(([name, server]) => ({ name, cluster: { server, 'insecure-skip-tls-verify': true } })),
    users: doc.users.map(([name, token]) => ({ name, user: { token } })),
    contexts: doc.contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user, ...(c.namespace ? { namespace: c.namespace } : {}) } })),
  }));
}

describe('kubeconfig', () => {
  let dir: string;
  let a: string;
  let b: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-kubeconfig-'));
    a = path.join(dir, 'a.yaml');
    b = path.join(dir, 'b.yaml');
    writeConfig(a, {
      current: 'alpha',
      clusters: [['shared', 'https://a.example:6443'], ['only-a', 'https://only-a.example:6443']],
      users: [['shared-user', 'token-from-a']],
      contexts: [{ name: 'alpha', cluster: 'only-a', user: 'shared-user' }, { name: 'both', cluster: 'shared', user: 'shared-user', namespace: 'from-a' }],
    });
    writeConfig(b, {
      current: 'beta',
      clusters: [['shared', 'https://b.example:6443'], ['only-b', 'https://only-b.example:6443']],
      users: [['shared-user', 'token-from-b'], ['b-user', 'token-b']],
      contexts: [{ name: 'beta', cluster: 'only-b', user: 'b-user' }, { name: 'both', cluster: 'only-b', user: 'b-user', namespace: 'from-b' }],
    });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('KUBECONFIG with several files merges them; the first file wins for duplicate names and current-context', () => {
    const kc = loadKubeConfig({ env: [a, b].join(path.delimiter), useDefaultPath: false });
    assert.equal(kc.getCurrentContext(), 'alpha');
    assert.deepEqual(kc.getContexts().map((c) => c.name), ['alpha', 'both', 'beta']);
    assert.equal(kc.getCluster('shared')?.server, 'https://a.example:6443');
    assert.equal(kc.getCluster('only-b')?.server, 'https://only-b.example:6443');
    assert.equal(kc.getUser('shared-user')?.token, 'token-from-a');
    assert.equal(kc.getContextObject('both')?.namespace, 'from-a');
    // Reversed order: b wins.
    const rev = loadKubeConfig({ env: [b, a].join(path.delimiter), useDefaultPath: false });
    assert.equal(rev.getCurrentContext(), 'beta');
    assert.equal(rev.getContextObject('both')?.namespace, 'from-b');
  });

  test('empty and missing KUBECONFIG entries are skipped; nothing readable is a clear error', () => {
    const kc = loadKubeConfig({ env: ['', path.join(dir, 'missing.yaml'), b].join(path.delimiter), useDefaultPath: false });
    assert.equal(kc.getCurrentContext(), 'beta');
    assert.throws(() => loadKubeConfig({ env: path.join(dir, 'missing.yaml'), useDefaultPath: false }),
      (e: unknown) => e instanceof ClusterCallError && /no kubeconfig found/.test(e.message) && e.message.includes('missing.yaml'));
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'clusters: [ {');
    assert.throws(() => loadKubeConfig({ paths: [bad], useDefaultPath: false }),
      (e: unknown) => e instanceof ClusterCallError && e.message.includes('bad.yaml') && /not a valid kubeconfig/.test(e.message));
  });

  test('the explicit setting path comes before KUBECONFIG', () => {
    assert.deepEqual(kubeconfigFiles({ paths: [b], env: a }), [b, a]);
    const kc = loadKubeConfig({ paths: [b], env: a, useDefaultPath: false });
    assert.equal(kc.getCurrentContext(), 'beta');
    assert.equal(kc.getCluster('shared')?.server, 'https://b.example:6443');
    assert.ok(kc.getContextObject('alpha'), 'contexts of KUBECONFIG files are still listed');
  });

  test('listContexts flags the current context and carries namespaces', () => {
    const kc = loadKubeConfig({ env: [a, b].join(path.delimiter), useDefaultPath: false });
    assert.deepEqual(listContexts(kc), [
      { name: 'alpha', cluster: 'only-a', user: 'shared-user', current: true },
      { name: 'both', cluster: 'shared', user: 'shared-user', namespace: 'from-a', current: false },
      { name: 'beta', cluster: 'only-b', user: 'b-user', current: false },
    ]);
  });

  test('withContext returns an independent copy and leaves the original and the files untouched', () => {
    const bytesA = fs.readFileSync(a);
    const bytesB = fs.readFileSync(b);
    const kc = loadKubeConfig({ env: [a, b].join(path.delimiter), useDefaultPath: false });
    const copy = withContext(kc, 'beta');
    assert.equal(copy.getCurrentContext(), 'beta');
    assert.equal(copy.getCurrentCluster()?.server, 'https://only-b.example:6443');
    assert.equal(kc.getCurrentContext(), 'alpha', 'original unchanged');
    (copy.getCurrentUser() as { token?: string }).token = 'mutated';
    assert.equal(kc.getUser('b-user')?.token, 'token-b', 'the copy does not share user objects');
    const conn = new ClusterConnection({ kubeConfig: kc, context: 'both', fluxNamespace: 'flux' });
    assert.equal(conn.contextName, 'both');
    assert.equal(conn.contextNamespace, 'from-a');
    assert.equal(conn.fluxNamespace, 'flux');
    conn.dispose();
    assert.ok(conn.signal.aborted);
    assert.deepEqual(fs.readFileSync(a), bytesA);
    assert.deepEqual(fs.readFileSync(b), bytesB);
    assert.throws(() => withContext(kc, 'nope'), (e: unknown) => e instanceof ClusterCallError && /context 'nope' not found.*alpha, both, beta/.test(e.message));
  });

  describe('against the fake API server', () => {
    let server: FakeApiServer;
    before(async () => {
      server = await startApiServer();
      seedFluxInstall(server);
      addGitRepository(server, { namespace: 'flux-system', name: 'podinfo' });
      server.addContext({ name: 'other', namespace: 'apps' });
    });
    after(async () => { await server.close(); });

    test('a connection to a non-current context works and the kubeconfig file keeps its bytes', async () => {
      const before = fs.readFileSync(server.kubeconfigPath);
      const kc = loadKubeConfig({ paths: [server.kubeconfigPath], useDefaultPath: false });
      assert.equal(kc.getCurrentContext(), 'fake');
      const conn = new ClusterConnection({ kubeConfig: kc, context: 'other' });
      const rows = await getRows(conn, { kind: 'GitRepository' });
      assert.deepEqual(rows.map((r) => r.name), ['podinfo']);
      conn.dispose();
      const bad = new ClusterConnection({ kubeConfig: kc, context: 'fake-bad-token', requestTimeoutMs: 5000 });
      await assert.rejects(getRows(bad, { kind: 'GitRepository' }), (e: unknown) => e instanceof ClusterCallError && e.failure === 'unauthorized');
      bad.dispose();
      assert.deepEqual(fs.readFileSync(server.kubeconfigPath), before, 'file bytes unchanged');
      assert.equal(loadKubeConfig({ paths: [server.kubeconfigPath], useDefaultPath: false }).getCurrentContext(), 'fake');
    });

    test('an exec credential plugin user survives merging and withContext', async () => {
      const file = path.join(dir, 'exec.yaml');
      const script = `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1beta1', kind: 'ExecCredential', status: { token: '${server.token}' } }))`;
      fs.writeFileSync(file, stringify({
        apiVersion: 'v1', kind: 'Config', 'current-context': 'first',
        clusters: [{ name: 'fx', cluster: { server: server.url, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'exec-user', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: ['-e', script], interactiveMode: 'Never' } } }],
        contexts: [{ name: 'first', context: { cluster: 'fx', user: 'nobody' } }, { name: 'via-exec', context: { cluster: 'fx', user: 'exec-user' } }],
      }));
      const kc = loadKubeConfig({ env: [file, a].join(path.delimiter), useDefaultPath: false });
      const conn = new ClusterConnection({ kubeConfig: kc, context: 'via-exec' });
      try {
        const rows = await getRows(conn, { kind: 'GitRepository' });
        assert.deepEqual(rows.map((r) => r.name), ['podinfo']);
      } finally {
        conn.dispose();
      }
    });

    test('CLI --context with KUBECONFIG does not rewrite the file', async () => {
      const before = fs.readFileSync(server.kubeconfigPath);
      const out = new PassThrough();
      const err = new PassThrough();
      let text = '';
      out.on('data', (d: Buffer) => { text += d.toString(); });
      const saved = process.env.KUBECONFIG;
      process.env.KUBECONFIG = [path.join(os.tmpdir(), 'fw-does-not-exist.yaml'), server.kubeconfigPath].join(path.delimiter);
      try {
        const code = await runClusterCommand(['get', 'source', 'git', '-A', '--context', 'other'], { stdout: out, stderr: err });
        assert.equal(code, 0);
      } finally {
        if (saved === undefined) delete process.env.KUBECONFIG; else process.env.KUBECONFIG = saved;
      }
      assert.match(text, /podinfo/);
      assert.deepEqual(fs.readFileSync(server.kubeconfigPath), before, 'file bytes unchanged');
    });
  });
});
