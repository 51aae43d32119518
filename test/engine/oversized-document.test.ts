/**
 * A document outside the fast path's plain block YAML with more than MAX_DOCUMENT_TOKENS tokens is not composed by
 * yaml (that is one synchronous piece, 300+ ms for a 1 MB flow sequence in the language server): it is read from
 * its lines as a partial document and says so with flux/document-too-large, while the file's other documents get
 * their full analysis. The whole-file parse (lint) and the incremental one (the editor) agree, and an edit
 * elsewhere in the file moves it with its lines.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../server/src/engine/engine';
import { parseFile, parseText } from '../../server/src/engine/document/parse';
import { MAX_DOCUMENT_TOKENS } from '../../server/src/engine/document/yaml-steps';
import type { FluxDiagnostic } from '../../server/src/engine/types';

const HEAD = (name: string): string => `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: ${name}\n  namespace: flux-system\n`;
const SPEC = 'spec:\n  interval: 10 minutes\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
/** A Kustomization whose components list is a 60,000-item flow sequence (over 200,000 YAML tokens, far past the limit), with a bad interval. */
const BIG = `${HEAD('big')}spec:\n  interval: 10 minutes\n  prune: true\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  components: [${Array.from({ length: 60_000 }, (_, i) => `./c${i}`).join(', ')}]\n`;
const TEXT = `${HEAD('first')}${SPEC}---\n${BIG}---\n${HEAD('last')}${SPEC}`;

const summary = (diags: readonly FluxDiagnostic[]): string[] => diags.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`);

describe('a document too large to compose', () => {
  it('is read from its lines: identity kept, not composed, while the other documents are parsed in full', () => {
    for (const file of [parseText(TEXT), parseFile(TEXT, { uri: 'file:///o/parse.yaml', version: 1 })]) {
      assert.equal(file.documents.length, 3);
      const [first, big, last] = file.documents;
      assert.ok(big!.partial && big!.oversized, 'the big document is partial and oversized');
      assert.equal(big!.oversized!.limit, MAX_DOCUMENT_TOKENS);
      assert.deepEqual([big!.kind, big!.name, big!.namespace, big!.isFlux], ['Kustomization', 'big', 'flux-system', true]);
      assert.equal(big!.startOffset, TEXT.indexOf('---\n'));
      assert.equal(big!.endOffset, TEXT.lastIndexOf('---\n'));
      for (const d of [first!, last!]) {
        assert.ok(!d.partial && !d.oversized);
        assert.equal((d.value() as { spec: { interval: string } }).spec.interval, '10 minutes');
      }
    }
  });

  it('gets flux/document-too-large on its kind and only the apiVersion checks; the same in lint and in the editor', () => {
    const engine = new FluxEngine();
    const whole = engine.diagnostics(TEXT, 'file:///o/a.yaml');
    const edited = engine.diagnostics(TEXT, 'file:///o/b.yaml', 1);
    assert.deepEqual(summary(edited), summary(whole));
    // A file that is parsed whole in the editor too (a byte order mark): the documents after the big one are parsed on their own.
    const bom = engine.diagnostics(`\uFEFF${TEXT}`, 'file:///o/c.yaml', 1);
    assert.deepEqual(summary(bom).slice(1), summary(whole).slice(1));
    const bigLine = TEXT.slice(0, TEXT.indexOf('kind: Kustomization', TEXT.indexOf('---\n'))).split('\n').length - 1;
    const tooLarge = whole.filter((d) => d.code === 'flux/document-too-large');
    assert.equal(tooLarge.length, 1);
    assert.equal(tooLarge[0]!.severity, 'information');
    assert.deepEqual(tooLarge[0]!.range, { start: { line: bigLine, character: 6 }, end: { line: bigLine, character: 19 } }, 'on the kind value');
    assert.match(tooLarge[0]!.message, /too large for a full analysis: more than 60,000 YAML tokens .*Only its apiVersion and kind were checked.*Split it/);
    // The two small documents' bad intervals are reported; the big one's is not (it was not composed).
    const intervals = whole.filter((d) => /interval/.test(d.message) && d.severity === 'error').map((d) => d.range.start.line);
    const lines = TEXT.split('\n');
    const intervalLines = lines.flatMap((l, i) => (l === '  interval: 10 minutes' ? [i] : []));
    assert.equal(intervalLines.length, 3);
    assert.deepEqual(intervals, [intervalLines[0], intervalLines[2]]);
  });

  it('moves with its lines after an edit above it, and is reported again at its new place', () => {
    const engine = new FluxEngine();
    const uri = 'file:///o/edit.yaml';
    const before = engine.diagnostics(TEXT, uri, 1).find((d) => d.code === 'flux/document-too-large')!;
    const text2 = TEXT.replace('  prune: true\n', '  prune: true\n  wait: true\n');
    const after = engine.diagnostics(text2, uri, 2).find((d) => d.code === 'flux/document-too-large')!;
    assert.equal(after.range.start.line, before.range.start.line + 1);
    const file = parseFile(text2, { uri, version: 2 });
    const big = file.documents[1]!;
    assert.equal(big.startOffset, text2.indexOf('---\n'));
    assert.equal(big.endOffset, text2.lastIndexOf('---\n'));
    assert.equal(big.name, 'big');
    // And the outline still lists it, by name.
    const names = engine.symbols(text2, uri, 2).map((s) => s.name);
    assert.equal(names.length, 3);
    assert.match(names[1]!, /big/);
  });

  it('stays composed below the limit: a flow sequence of 10,000 items gets its full analysis', () => {
    const text = BIG.replace(/components: \[.*\]/, `components: [${Array.from({ length: 10_000 }, (_, i) => `./c${i}`).join(', ')}]`);
    const diags = new FluxEngine().diagnostics(text, 'file:///o/small.yaml', 1);
    assert.ok(!diags.some((d) => d.code === 'flux/document-too-large'));
    assert.ok(diags.some((d) => /interval/.test(d.message) && d.severity === 'error'), summary(diags).join(', '));
  });
});
