import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { choiceDue, complete, type EngineCompletionItem } from '../../../server/src/engine/features/completion';
import { analyzeText } from '../../../server/src/engine/analyze';
import { FluxEngine } from '../../../server/src/engine/engine';
import { SchemaRegistry } from '../../../server/src/engine/schema/registry';
import { emptyBesidesLine, hasFluxApiVersion, mayBeManifest, needsFluxAnalysis } from '../../../server/src/engine/document/flux-text';
import { GIT_HEAD, KS_HEAD, withCursor } from './helpers';

const registry = SchemaRegistry.bundled();

function items(text: string, trigger?: string): EngineCompletionItem[] {
  const { file, position } = withCursor(text);
  return complete(file, position, registry, undefined, trigger);
}
const labels = (list: EngineCompletionItem[]): string[] => list.map((i) => i.label);

const COMPOSE = 'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n';
const WORKFLOW = 'name: CI\non:\n  push:\n    branches: [main]\njobs:\n  build:\n    runs-on: ubuntu-latest\n';

describe('completion opens by itself only where a choice is due', () => {
  it('choiceDue: after `key:` and `key: `, after `- `; never a bare space or `-`', () => {
    assert.equal(choiceDue('  provider:', ':'), true);
    assert.equal(choiceDue('  provider: ', ' '), true);
    assert.equal(choiceDue('  - ', ' '), true);
    assert.equal(choiceDue('  ', ' '), false, 'indentation');
    assert.equal(choiceDue('  url: https://x ', ' '), false, 'a space inside a value');
    assert.equal(choiceDue('  # a comment ', ' '), false);
    assert.equal(choiceDue('  -', '-'), false);
    assert.equal(choiceDue('', '\n'), false, 'Enter');
  });

  it('a space typed as indentation on a new line under spec offers nothing (Enter twice stays two newlines)', () => {
    assert.deepEqual(items(`${GIT_HEAD}  interval: 1m\n  <|>`, ' '), []);
    assert.deepEqual(items(`${GIT_HEAD}  interval: 1m\n<|>`, '\n'), []);
    // Asked for (Ctrl+Space), the same place offers the keys.
    assert.ok(labels(items(`${GIT_HEAD}  interval: 1m\n  <|>`)).includes('url'));
  });

  it('after `kind:` and `provider: ` the choices open by themselves', () => {
    assert.ok(labels(items('apiVersion: source.toolkit.fluxcd.io/v1\nkind:<|>', ':')).includes('GitRepository'));
    assert.deepEqual(labels(items(`${GIT_HEAD}  provider: <|>`, ' ')).sort(), ['azure', 'generic', 'github']);
    // A free-form value has nothing to choose from: nothing opens.
    assert.deepEqual(items(`${GIT_HEAD}  url: <|>`, ' '), []);
  });

  it('after `- ` in a list of known items: the keys of the item', () => {
    const list = labels(items(`${KS_HEAD}  dependsOn:\n    - <|>`, ' '));
    assert.ok(list.includes('name'), list.join());
  });
});

describe('non-Flux YAML is decided on its text', () => {
  it('no Flux items anywhere in a docker-compose file or a GitHub workflow, even when asked', () => {
    for (const text of [COMPOSE, WORKFLOW]) {
      for (const at of [`<|>${text}`, `${text}<|>`, text.replace(/\n {2}(\w)/, '\n  <|>$1')]) assert.deepEqual(items(at), [], at);
    }
  });

  it('an empty file and a Flux file still get the skeletons at column 0', () => {
    assert.equal(items('<|>').filter((i) => i.kind === 'snippet').length > 10, true);
    assert.equal(items('# notes\n---\nKus<|>\n').some((i) => i.label.startsWith('Kustomization ')), true);
    assert.equal(items(`${GIT_HEAD}  interval: 1m\n---\n<|>`).some((i) => i.label.startsWith('HelmRelease ')), true);
    assert.ok(labels(items(`${COMPOSE}---\napiVersion: <|>`)).includes('source.toolkit.fluxcd.io/v1'), 'a top-level apiVersion line being typed');
  });

  it('the textual tests', () => {
    assert.equal(hasFluxApiVersion(GIT_HEAD), true);
    assert.equal(hasFluxApiVersion('{"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease"}'), true);
    assert.equal(hasFluxApiVersion('apiVersion: sources.toolkit.fluxcd.io/v1\n'), true, 'a misspelt toolkit group is judged by the rules');
    assert.equal(hasFluxApiVersion('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'), false);
    assert.equal(hasFluxApiVersion('# see https://fluxcd.io/flux/\nopenapi: 3.0.0\n'), false);
    assert.equal(needsFluxAnalysis('a: b\u0000'), true, 'binary content still gets its not-analysed information');
    assert.equal(emptyBesidesLine('# x\n---\n\nab\n', 3), true);
    assert.equal(emptyBesidesLine('a: 1\nab', 1), false);
    assert.equal(mayBeManifest('apiVersion: v1\nkind: ConfigMap\n', 'file:///a.yaml'), true);
    assert.equal(mayBeManifest('resources:\n  - a.yaml\n', 'file:///x/kustomization.yaml'), true);
    assert.equal(mayBeManifest(COMPOSE, 'file:///docker-compose.yaml'), false);
  });

  it('an OpenAPI-like file that would not parse cleanly gets no diagnostics and is not indexed', () => {
    const openapi = `openapi: 3.0.0\ninfo:\n  title: x\npaths:\n${'  /a:\n    get:\n      responses:\n        "200": {description: ok}\n'.repeat(2000)}  bad: [unclosed\n`;
    assert.deepEqual(analyzeText(openapi, { registry, targetFluxVersion: '2.8' }), []);
    const engine = new FluxEngine(registry);
    engine.indexFile(`${GIT_HEAD}  interval: 1m\n  url: https://example.com/x\n`, 'file:///ws/api.yaml');
    assert.equal(engine.findObject('GitRepository', 'podinfo').length, 1);
    // The file is rewritten as an OpenAPI spec: it leaves the index without a parse.
    engine.indexFile(openapi, 'file:///ws/api.yaml');
    assert.equal(engine.findObject('GitRepository', 'podinfo').length, 0);
    assert.deepEqual(engine.symbols(openapi, 'file:///ws/api.yaml', 1), []);
  });
});

describe('completion ranking and prefixes', () => {
  const sorted = (list: EngineCompletionItem[]): string[] => list.slice().sort((a, b) => a.sortText!.localeCompare(b.sortText!)).map((i) => i.label);

  it('required keys first, then the keys users write most for the kind: `path` before `patches`', () => {
    const list = sorted(items(`${KS_HEAD}  <|>`));
    assert.deepEqual(list.slice(0, 3).sort(), ['interval', 'prune', 'sourceRef']);
    assert.ok(list.indexOf('path') < list.indexOf('patches'), list.join());
    assert.ok(list.indexOf('targetNamespace') < list.indexOf('commonMetadata'), list.join());
    const pa = sorted(items(`${KS_HEAD}  interval: 10m\n  pa<|>`)).filter((l) => l.startsWith('pa'));
    assert.deepEqual(pa, ['path', 'patches']);
  });

  it('typing the snippet prefix `flux-kus` keeps the Kustomization skeleton (its filter text starts with the prefix)', () => {
    const list = items('flux-kus<|>');
    const ks = list.find((i) => i.label.startsWith('Kustomization '));
    assert.ok(ks, labels(list).join());
    assert.ok(ks.filterText!.startsWith('flux-kustomization'));
    assert.deepEqual(ks.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 8 } });
  });
});
