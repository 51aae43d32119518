/**
 * Incremental updates of the fleet model: an edit re-extracts the edited document's facts only (the others are
 * moved from the previous version), re-derives the graph only when what other files read changed, and gives the
 * same diagnostics and facts as a cold analysis of the same text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../../server/src/engine/engine';
import { LineStarts, type FileFacts } from '../../../server/src/engine/workspace/facts';
import { LineIndex } from '../../../server/src/engine/document/line-index';
import { closest } from '../../../server/src/engine/schema/validate';
import { NameCandidates } from '../../../server/src/engine/rules/workspace/references';
import { bootstrap, fleet, ks, ROOT } from './helpers';

const cm = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

/** Facts without the line index (a new one per version), as plain data. */
function plain(f: FileFacts | undefined): unknown {
  if (!f) return undefined;
  return JSON.parse(JSON.stringify({ ...f, lineIndex: undefined }, (_k, v: unknown) => (v instanceof Map ? [...v] : v)));
}

describe('incremental: other files follow an edit that changes what they read', () => {
  it('a dependsOn name changed in one file updates the other file\'s diagnostics', () => {
    const a = ks('a', './apps/a', '  dependsOn:\n    - name: c\n');
    const b = ks('b', './apps/b', '  dependsOn:\n    - name: a\n');
    const files = { ...bootstrap('prod'), 'clusters/prod/a.yaml': a, 'clusters/prod/b.yaml': b, 'clusters/prod/c.yaml': ks('c', './apps/c'), 'apps/a/x.yaml': cm('a'), 'apps/b/x.yaml': cm('b'), 'apps/c/x.yaml': cm('c') };
    const f = fleet(files);
    const bPath = `${ROOT}/clusters/prod/b.yaml`;
    const bLocal = f.engine.updateFile(b, bPath).diagnostics;
    assert.deepEqual(f.engine.workspaceDiagnostics(bPath, bLocal).filter((d) => d.code === 'flux/depends-on-cycle'), []);
    // a now depends on b: b's entry is on a loop, though b's own text did not change.
    const r = f.engine.updateFile(a.replace('name: c', 'name: b'), `${ROOT}/clusters/prod/a.yaml`, { uri: 'file:///repo/clusters/prod/a.yaml', version: 2 });
    assert.equal(r.graphChanged, true);
    const after = f.engine.workspaceDiagnostics(bPath, bLocal).filter((d) => d.code === 'flux/depends-on-cycle');
    assert.equal(after.length, 1);
    assert.match(after[0]!.message, /Kustomization flux-system\/b → Kustomization flux-system\/a → Kustomization flux-system\/b/);
  });

  it('an interval or Helm values edit keeps the derived graph and the other files\' diagnostics', () => {
    const hr = (interval: string, replicas: number): string => `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: ${interval}
  chart:
    spec:
      chart: web
      sourceRef:
        kind: HelmRepository
        name: missing-repo
  values:
    replicaCount: ${replicas}
`;
    const files = { ...bootstrap('prod'), 'clusters/prod/apps.yaml': ks('apps', './apps', '  dependsOn:\n    - name: nope\n'), 'apps/web.yaml': hr('5m', 1) };
    const f = fleet(files);
    const appsPath = `${ROOT}/clusters/prod/apps.yaml`;
    const appsLocal = f.engine.updateFile(files['clusters/prod/apps.yaml'], appsPath).diagnostics;
    const before = f.engine.workspaceDiagnostics(appsPath, appsLocal);
    assert.equal(before.filter((d) => d.code === 'flux/depends-on-missing').length, 1);
    const graph = f.engine.workspace.graph();
    const r = f.engine.updateFile(hr('10m', 3), `${ROOT}/apps/web.yaml`, { uri: 'file:///repo/apps/web.yaml', version: 2 });
    assert.equal(r.graphChanged, false, 'neither spec.interval nor spec.values is read by another file');
    assert.equal(f.engine.workspace.graph(), graph);
    assert.deepEqual(f.engine.workspaceDiagnostics(appsPath, appsLocal), before);
    // The edited file's own cross-file diagnostics are still computed (its HelmRepository is missing).
    assert.equal(f.engine.workspaceDiagnostics(`${ROOT}/apps/web.yaml`, r.diagnostics).filter((d) => d.code === 'flux/reference-not-found').length, 1);
  });
});

describe('incremental: moved facts equal freshly extracted ones', () => {
  const docs = [
    ks('one', './apps/one', '  dependsOn:\n    - name: two\n    - name: missing\n'),
    ks('two', './apps/two', '  healthChecks:\n    - kind: ConfigMap\n      name: nope\n      namespace: flux-system\n'),
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: flux-system\nstringData:\n  token: plain\n`,
    ks('three', './apps/three', '  postBuild:\n    substitute:\n      A: "1"\n'),
  ];
  const edits: Array<[string, (t: string) => string]> = [
    ['a character in the first document', (t) => t.replace('interval: 10m', 'interval: 10mx')],
    ['lines inserted in the first document', (t) => t.replace('  prune: true\n', '  prune: true\n  # a\n  # b\n')],
    ['a document inserted first', (t) => `${cm('first')}---\n${t}`],
    ['a name changed in the second document', (t) => t.replace('name: two\n  namespace', 'name: deux\n  namespace')],
    ['the last document removed', (t) => t.slice(0, t.lastIndexOf('---\n'))],
    ['CRLF line ends', (t) => t.replace(/\n/g, '\r\n')],
  ];
  const others = { ...bootstrap('prod'), 'apps/one/x.yaml': cm('one'), 'apps/two/x.yaml': cm('two'), 'apps/three/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  namespace: flux-system\ndata:\n  k: ${A} ${B}\n' };
  const path = `${ROOT}/clusters/prod/ks.yaml`;
  const uri = 'file:///repo/clusters/prod/ks.yaml';

  it('after each edit the facts and every file\'s diagnostics are those of a cold analysis', () => {
    const live = fleet({ ...others, 'clusters/prod/ks.yaml': docs.join('---\n') });
    let text = docs.join('---\n');
    let version = 1;
    live.engine.updateFile(text, path, { uri, version });
    for (const [what, edit] of edits) {
      text = edit(text);
      const r = live.engine.updateFile(text, path, { uri, version: ++version });
      const cold = fleet({ ...others, 'clusters/prod/ks.yaml': text });
      assert.deepEqual(plain(live.engine.workspace.facts(path)), plain(cold.engine.workspace.facts(path)), `facts after ${what}`);
      assert.deepEqual(live.engine.workspaceDiagnostics(path, r.diagnostics), cold.diags['clusters/prod/ks.yaml'], `diagnostics after ${what}`);
      for (const p of Object.keys(others)) {
        const local = live.engine.updateFile(others[p as keyof typeof others], `${ROOT}/${p}`).diagnostics;
        assert.deepEqual(live.engine.workspaceDiagnostics(`${ROOT}/${p}`, local), cold.diags[p], `${p} after ${what}`);
      }
    }
  });

  it('an unchanged document keeps its facts\' content: only the edited one is extracted again', () => {
    const engine = new FluxEngine();
    engine.workspace.setRepo({ workspaceRoots: [ROOT], gitRoots: [ROOT] });
    const text = docs.join('---\n');
    engine.updateFile(text, path, { uri, version: 1 });
    const first = engine.workspace.facts(path)!.documents;
    engine.updateFile(text.replace('interval: 10m', 'interval: 11m'), path, { uri, version: 2 });
    const second = engine.workspace.facts(path)!.documents;
    assert.notEqual(second[0], first[0], 'the edited document is extracted again');
    // The others did not move (one character more on a line of the first document): the same facts objects.
    for (let i = 1; i < docs.length; i++) assert.equal(second[i], first[i], `document ${i}`);
    assert.equal(second[0]!.value && (second[0]!.value.spec as Record<string, unknown>).interval, '11m');
  });
});

describe('facts are compact', () => {
  it('a HelmRelease keeps no Helm values, and spans only of the fields cross-file rules report at', () => {
    const engine = new FluxEngine();
    const text = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
  namespace: apps
spec:
  interval: 5m
  chart:
    spec:
      chart: web
      sourceRef:
        kind: HelmRepository
        name: charts
  values:
    replicaCount: 3
    image:
      tag: "1.0"
`;
    engine.updateFile(text, `${ROOT}/hr.yaml`);
    const d = engine.workspace.facts(`${ROOT}/hr.yaml`)!.documents[0]!;
    assert.deepEqual((d.value!.spec as Record<string, unknown>).values, {});
    assert.equal(((d.value!.spec as Record<string, unknown>).chart as { spec: { chart: string } }).spec.chart, 'web');
    assert.deepEqual([...d.spans.keys()].sort(), ['kind', 'metadata.name', 'spec']);
    assert.equal(d.refs.length, 1);
  });
});

describe('did-you-mean names', () => {
  it('answers as closest() over the same names', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const word = (): string => Array.from({ length: 2 + Math.floor(rnd() * 9) }, () => 'abcdeAB-'[Math.floor(rnd() * 8)]).join('');
    const names = Array.from({ length: 400 }, word);
    const candidates = new NameCandidates(names);
    let suggested = 0;
    for (let i = 0; i < 300; i++) {
      const w = i % 3 === 0 ? names[i % names.length]! : word();
      const want = closest(w, [...new Set(names)]);
      assert.equal(candidates.suggest(w), want, w);
      if (want !== undefined) suggested++;
    }
    assert.ok(suggested > 20, `the sample has suggestions (${suggested})`);
  });
});

describe('facts keep line starts, not the text', () => {
  it('LineStarts answers as the parse\'s LineIndex for LF, CRLF, lone CR and mixed texts', () => {
    let seed = 11;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let t = 0; t < 200; t++) {
      const text = Array.from({ length: Math.floor(rnd() * 60) }, () => ['a', 'b', '\n', '\r\n', '\r', ' '][Math.floor(rnd() * 6)]).join('');
      const index = new LineIndex(text);
      const starts = new LineStarts(index, text);
      assert.equal(starts.lineCount, index.lineCount);
      for (let o = -1; o <= text.length + 1; o++) {
        assert.deepEqual(starts.positionAt(o), index.positionAt(o), `${JSON.stringify(text)} @${o}`);
        assert.deepEqual(starts.range(o, o + 2), index.range(o, o + 2));
      }
      for (let line = -1; line <= index.lineCount; line++) {
        for (const character of [0, 1, 3, 100]) assert.equal(starts.offsetAt({ line, character }), index.offsetAt({ line, character }));
      }
    }
  });
});
