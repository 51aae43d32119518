/**
 * analyzeText as a whole: the parse cache is shared, and real-world YAML is tolerated (CRLF, BOM, tabs,
 * anchors and merge keys, alias bombs, Helm templates, SOPS, substitution variables, kustomize's own
 * Kustomization, non-Flux documents, modelines, custom tags, binary content, large files).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile } from '../../server/src/engine/document';
import { MAX_DIAGNOSTICS } from '../../server/src/engine/analyze';
import { MAX_STRUCTURE_LINES } from '../../server/src/engine/document/parse';
import { analyze, codes, GIT_REPO, KUSTOMIZATION, one, rangeOf } from './rules/helpers';

const TYPO = GIT_REPO.replace('interval: 5m', 'intervall: 5m');

describe('analyzeText', () => {
  it('uses the shared parse cache for (uri, version)', () => {
    const uri = 'file:///cache/test.yaml';
    analyze(TYPO, { uri, version: 7 });
    const cached = parseFile(TYPO, { uri, version: 7 });
    assert.equal(parseFile(TYPO, { uri, version: 7 }), cached);
    // The analysis of the same version reads the same ParsedFile: diagnostics are identical.
    assert.deepEqual(analyze(TYPO, { uri, version: 7 }), analyze(TYPO));
  });

  it('reports every document of a multi-document file, each with its own object prefix', () => {
    const text = `${TYPO}---\n${KUSTOMIZATION.replace('prune: true', 'prune: maybe')}`;
    const diags = analyze(text);
    assert.deepEqual(codes(diags).sort(), ['flux/missing-required', 'flux/schema-type', 'flux/unknown-field']);
    assert.match(one(diags, 'flux/schema-type').message, /^Kustomization flux-system\/apps: /);
    assert.deepEqual(one(diags, 'flux/schema-type').range, rangeOf(text, 'maybe'));
  });
});

describe('tolerance', () => {
  it('CRLF line endings: same findings, ranges exclude the \\r', () => {
    const text = TYPO.replace(/\n/g, '\r\n');
    const d = one(analyze(text), 'flux/unknown-field');
    assert.deepEqual(d.range, { start: { line: 6, character: 2 }, end: { line: 6, character: 11 } });
    assert.deepEqual(codes(analyze(GIT_REPO.replace(/\n/g, '\r\n'))), []);
  });

  it('a byte order mark is not part of the first key', () => {
    assert.deepEqual(codes(analyze(`\uFEFF${GIT_REPO}`)), []);
    const d = one(analyze(`\uFEFF${TYPO}`), 'flux/unknown-field');
    assert.equal(d.range.start.line, 6);
  });

  it('tabs as separators and inside values are fine', () => {
    assert.deepEqual(codes(analyze(GIT_REPO.replace('interval: 5m', 'interval:\t5m\t# tab before comment'))), []);
  });

  it('anchors, aliases and merge keys resolve before validation; unknown fields through a merge point at the nearest key', () => {
    const ok = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\nx-base: &base {interval: 5m}\nspec:\n  <<: *base\n  url: https://x\n`;
    assert.deepEqual(codes(analyze(ok)), ['flux/unknown-field']); // x-base is not a GitRepository field
    const clean = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\n  labels: &l {app: a}\n  annotations: *l\nspec:\n  <<: &base {interval: 5m}\n  url: https://x\n`;
    assert.deepEqual(analyze(clean), []);
    const bad = ok.replace('{interval: 5m}', '{interval: 5m, intervall: 1m}');
    const d = analyze(bad).find((x) => x.message.includes('spec.intervall'));
    // The typo exists in `spec` only through the merge: the range falls back to the `spec` key.
    assert.deepEqual(d?.range, rangeOf(bad, 'spec'));
  });

  it('an alias without an anchor in the same document is a syntax error on the alias', () => {
    const text = `${GIT_REPO}  ignore: &ig "*.tmp"\n---\n${GIT_REPO.replace('name: podinfo', 'name: other')}  include: *ig\n`;
    const d = one(analyze(text), 'flux/yaml-syntax');
    assert.deepEqual(d.range, rangeOf(text, '*ig'));
    assert.match(d.message, /alias \*ig has no anchor; define &ig earlier in the same document/);
  });

  it('an alias bomb returns (a warning, not a hang or a crash)', () => {
    let text = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: bomb}\nspec:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 15; i++) text += `  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    assert.deepEqual(codes(analyze(text)), ['flux/alias-limit']);
  });

  it('a Helm chart template (in a templates/ folder) is not judged as YAML', () => {
    const text = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.git }}\nspec:\n  interval: 5 minutes\n  intervall: x\n{{- end }}\n`;
    assert.deepEqual(analyze(text, { uri: 'file:///repo/charts/app/templates/git.yaml' }), []);
  });

  it('a document that does not parse because of template syntax gets its apiVersion/kind checks and one information', () => {
    const text = `apiVersion: source.toolkit.fluxcd.io/v1beta1\nkind: GitRepository\nmetadata:\n  name: {{ .Values.name }}\n{{- if .Values.git }}\nspec:\n  interval: 5 minutes\n  intervall: x\n{{- end }}\n`;
    const diags = analyze(text, { uri: 'file:///repo/apps/git.yaml' });
    assert.deepEqual(codes(diags).sort(), ['flux/removed-api-version', 'flux/template-skipped']);
    assert.equal(one(diags, 'flux/template-skipped').severity, 'information');
  });

  it('chart templating inside a HelmRelease block scalar never switches the analysis off', () => {
    const hr = `apiVersion: helm.toolkit.fluxcd.io/v2beta1\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  interval: 30m\n  chartRef:\n    kind: OCIRepository\n    name: app\n  values:\n    configMaps:\n      config:\n        data:\n          app.conf: |\n            {{ .Release.Name }}\n            {{- if .Values.debug }}\n            debug = true\n            {{- end }}\n`;
    const diags = analyze(hr, { uri: 'file:///repo/apps/app/helmrelease.yaml' });
    assert.ok(codes(diags).includes('flux/removed-api-version'), JSON.stringify(diags));
    assert.ok(!codes(diags).includes('flux/template-skipped'));
  });

  it('{{ }} inside values (a chart\'s own templating) does not stop the analysis of a normal file', () => {
    const hr = `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: app\nspec:\n  interval: 30m\n  chartRef:\n    kind: OCIRepository\n    name: app\n  values:\n    host: "{{ .Release.Name }}.example.com"\n    plain: {{ .Values.x }}\n`;
    // Quoted, a template is a string. Unquoted, `{{ .Values.x }}` is a YAML map whose key is a map, which
    // Kubernetes rejects ("invalid map key"): an error on the expression, not a skipped document.
    const d = analyze(hr);
    assert.deepEqual(codes(d), ['flux/collection-key']);
    assert.deepEqual(d[0]!.range, rangeOf(hr, '{{ .Values.x }}'));
    assert.match(d[0]!.message, /^HelmRelease app: template syntax outside quotes .*invalid map key.*quote it/);
    // The file is still judged: a typo elsewhere is reported.
    assert.deepEqual(codes(analyze(hr.replace('interval: 30m', 'interval: 30 minutes'))), ['flux/collection-key', 'flux/schema-pattern']);
    const quoted = hr.replace('{{ .Values.x }}', '"{{ .Values.x }}"');
    assert.deepEqual(analyze(quoted), []);
  });

  it('SOPS documents: ENC[...] values are never flagged, the sops block is not a field', () => {
    const text = `${KUSTOMIZATION.replace('prune: true', 'prune: ENC[AES256_GCM,data:dHJ1ZQ==,iv:a,tag:b,type:bool]').replace('interval: 10m', 'interval: ENC[AES256_GCM,data:MTBt,iv:a,tag:b,type:str]')}sops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  lastmodified: "2024-01-01T00:00:00Z"\n  version: 3.8.1\n  age:\n    - recipient: age1qqq\n      enc: |\n        -----BEGIN AGE ENCRYPTED FILE-----\n        abc\n        -----END AGE ENCRYPTED FILE-----\n`;
    assert.deepEqual(analyze(text), []);
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  key: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n';
    assert.deepEqual(analyze(secret), []);
  });

  it('post-build substitution variables anywhere: values, keys, names, namespaces', () => {
    const text = `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: \${APP}-apps\n  namespace: \${NS:=flux-system}\nspec:\n  interval: \${INTERVAL:=1h}\n  retryInterval: \${RETRY}\n  prune: \${PRUNE:=true}\n  path: ./clusters/\${CLUSTER}\n  sourceRef:\n    kind: \${SRC_KIND:=GitRepository}\n    name: flux-system\n  \${EXTRA}: x\n`;
    assert.deepEqual(analyze(text), []);
    // A default that cannot work is still judged.
    const bad = text.replace('${INTERVAL:=1h}', '${INTERVAL:=1 hour}');
    assert.match(one(analyze(bad), 'flux/schema-pattern').message, /spec.interval '1 hour' \(the default of \$\{INTERVAL\}\)/);
  });

  it('a kustomize.config.k8s.io Kustomization is not Flux: nothing from the Flux rules', () => {
    const text = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: apps\nresources:\n  - a.yaml\nintervall: 5m\nprune: maybe\n';
    assert.deepEqual(analyze(text), []);
  });

  it('non-Flux documents get nothing from the Flux rules, kind detection is by apiVersion+kind only', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: GitRepository\ndata:\n  interval: 5 minutes\n---\napiVersion: apps/v1\nkind: Deployment\nspec:\n  intervall: 1\n---\nkind: GitRepository\nspec:\n  intervall: 5m\n---\napiVersion: example.com/v1\nkind: HelmRelease\nspec: {chart: 1, chartRef: 2}\n';
    assert.deepEqual(analyze(text), []);
  });

  it('yaml-language-server modelines and comments are ignored', () => {
    const text = `# yaml-language-server: $schema=https://example.com/gitrepository.json\n# comment\n${GIT_REPO}`;
    assert.deepEqual(analyze(text), []);
  });

  it('custom tags (!env_var) and YAML core tags are tolerated', () => {
    const text = GIT_REPO.replace('interval: 5m', 'interval: !env_var SYNC_INTERVAL').replace('url: https', 'url: !!str https');
    assert.deepEqual(codes(analyze(text)), []);
  });

  it('document end markers and empty documents', () => {
    assert.deepEqual(analyze(`${GIT_REPO}...\n---\n---\n# only a comment\n---\n${GIT_REPO.replace('podinfo\n', 'other\n')}...\n`), []);
    assert.deepEqual(analyze(''), []);
    assert.deepEqual(analyze('just a scalar\n---\n- a list\n'), []);
  });

  it('binary content (NUL bytes) is not judged: one information at line 1 says why', () => {
    for (const text of [`${TYPO}\u0000\u0001\u0002`, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]).toString('latin1')]) {
      const diags = analyze(text);
      assert.deepEqual(codes(diags), ['flux/not-analysed']);
      assert.equal(diags[0]!.severity, 'information');
      assert.equal(diags[0]!.range.start.line, 0);
      assert.match(diags[0]!.message, /not analysed: binary content/);
    }
  });

  it('a 10 MB file is analysed (one huge block scalar, and one huge line)', () => {
    const block = `${GIT_REPO}  ignore: |\n${'    /some/path/to/ignore/*.tmp\n'.repeat(Math.ceil((10 * 1024 * 1024) / 31))}`;
    assert.ok(block.length >= 10 * 1024 * 1024);
    assert.deepEqual(analyze(block), []);
    const typo = block.replace('interval: 5m', 'intervall: 5m');
    assert.deepEqual(codes(analyze(typo)).sort(), ['flux/missing-required', 'flux/unknown-field']);
    assert.deepEqual(analyze(`a: ${'x'.repeat(10 * 1024 * 1024)}\n`), []);
  });

  it('hostile input does not throw', () => {
    for (const t of ['{', '[', ']]]', ': : :', '- - - -', '&a *a', '*undefined_alias', '!<tag:x> {', '\t\t\t', 'a:\n\tb: c', '"unterminated', `${'['.repeat(2000)}`, `${'- '.repeat(3000)}x`]) {
      assert.doesNotThrow(() => analyze(t), t.slice(0, 20));
    }
  });
});

describe('pathological input stays fast and safe', () => {
  it('nesting deeper than the parser can recurse is not analysed (no stack overflow), and says so', () => {
    for (const text of [`${'['.repeat(20000)}${']'.repeat(20000)}`, Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')]) {
      const diags = analyze(text);
      assert.deepEqual(codes(diags), ['flux/not-analysed']);
      assert.equal(diags[0]!.severity, 'information');
      assert.match(diags[0]!.message, /nesting deeper than 400 levels/);
      assert.deepEqual(diags[0]!.range.start, { line: 0, character: 0 });
    }
    // And the process can still parse normally afterwards.
    assert.deepEqual(codes(analyze(GIT_REPO.replace('interval: 5m', 'intervall: 5m'))).sort(), ['flux/missing-required', 'flux/unknown-field']);
  });

  it('thousands of duplicate keys: reported once per key up to a cap, with a summary', () => {
    // A ConfigMap beside a Flux object (a file without Flux documents is not judged at all).
    const text = `${GIT_REPO}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${'  k: "x"\n'.repeat(5000)}`;
    const diags = analyze(text);
    assert.equal(diags.filter((d) => d.code === 'flux/duplicate-key').length, 100);
    assert.match(diags[diags.length - 1]!.message, /4899 more YAML errors in this document are not shown/);
  });

  it('more than MAX_DIAGNOSTICS diagnostics: the first ones in file order, then one information counting the rest', () => {
    const bad = GIT_REPO.replace('interval: 5m', 'interval: 5 minutes');
    assert.deepEqual(codes(analyze(bad)), ['flux/schema-pattern']);
    const count = MAX_DIAGNOSTICS + 234;
    const text = Array.from({ length: count }, (_, i) => bad.replace('podinfo\n', `repo-${i}\n`)).join('---\n');
    const diags = analyze(text);
    assert.equal(diags.length, MAX_DIAGNOSTICS + 1);
    assert.ok(diags.slice(0, MAX_DIAGNOSTICS).every((d) => d.code === 'flux/schema-pattern'));
    // File order: the kept ones are those of the first documents.
    assert.deepEqual(diags[0]!.range, rangeOf(text, '5 minutes'));
    assert.deepEqual(diags[MAX_DIAGNOSTICS - 1]!.range, rangeOf(text, '5 minutes', MAX_DIAGNOSTICS - 1));
    const last = diags[MAX_DIAGNOSTICS]!;
    assert.equal(last.code, 'flux/too-many-diagnostics');
    assert.equal(last.severity, 'information');
    assert.equal(last.range.start.line, 0);
    assert.match(last.message, /^1,234 problems in this file: the first 1,000 are shown, 234 more \(234 of them errors\) are omitted/);
    assert.deepEqual(last.data, { total: count, omitted: 234, omittedErrors: 234 });
    // Exactly at the cap nothing is cut.
    assert.equal(analyze(Array.from({ length: MAX_DIAGNOSTICS }, (_, i) => bad.replace('podinfo\n', `repo-${i}\n`)).join('---\n')).length, MAX_DIAGNOSTICS);
  });

  it('a file past the structure limit: the leading documents in full, the rest by apiVersion and kind, and a message', () => {
    const bad = GIT_REPO.replace('interval: 5m', 'interval: 5 minutes');
    const linesPerDoc = bad.split('\n').filter((l) => l.trim() !== '').length + 1;
    const docs = Math.ceil(MAX_STRUCTURE_LINES / linesPerDoc) + 50;
    const parts = Array.from({ length: docs }, (_, i) => (i === 0 ? bad : GIT_REPO).replace('podinfo\n', `repo-${i}\n`));
    // Past the limit: a removed apiVersion (checked) and a bad interval (not checked there).
    parts.push(bad.replace('source.toolkit.fluxcd.io/v1', 'source.toolkit.fluxcd.io/v1beta1').replace('podinfo\n', 'late\n'));
    const text = parts.join('---\n');
    const file = parseFile(text);
    assert.ok(file.partial, 'the file is over the limit');
    assert.ok(file.partial.structureLines > MAX_STRUCTURE_LINES);
    const full = file.documents.filter((d) => !d.partial);
    assert.ok(full.length > 0 && full.length < docs, `${full.length} documents in full`);
    // The partial documents still have their identity (for the workspace index and the messages).
    const last = file.documents[file.documents.length - 1]!;
    assert.equal(last.partial, true);
    assert.deepEqual([last.apiVersion, last.kind, last.name, last.namespace], ['source.toolkit.fluxcd.io/v1beta1', 'GitRepository', 'late', 'flux-system']);
    const diags = analyze(text);
    const info = one(diags, 'flux/file-too-large');
    assert.equal(info.severity, 'information');
    assert.equal(info.range.start.line, 0);
    assert.match(info.message, new RegExp(`over the limit of ${MAX_STRUCTURE_LINES.toLocaleString('en-US')}\\. The documents from line ${(file.partial.fromLine + 1).toLocaleString('en-US')} on get only their apiVersion and kind checked`));
    // A full document's interval is judged; the partial one gets its apiVersion judged, not its interval.
    assert.deepEqual(codes(diags), ['flux/file-too-large', 'flux/schema-pattern', 'flux/removed-api-version']);
    assert.deepEqual(one(diags, 'flux/schema-pattern').range, rangeOf(text, '5 minutes'));
    const removed = one(diags, 'flux/removed-api-version');
    assert.deepEqual(removed.range, rangeOf(text, 'source.toolkit.fluxcd.io/v1beta1'));
    assert.match(removed.message, /^GitRepository flux-system\/late: apiVersion source\.toolkit\.fluxcd\.io\/v1beta1 was removed/);
  });

  it('repeated merge keys are not duplicates', () => {
    const text = `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: a\nspec:\n  <<: {interval: 5m}\n  <<: {url: https://x}\n`;
    assert.deepEqual(analyze(text), []);
  });
});
