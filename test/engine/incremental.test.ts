/**
 * Incremental analysis of an edited file (document/chunks.ts, analyze.ts): the documents whose text did not
 * change reuse the previous version's parse and diagnostics, and the result is the same as a fresh analysis of
 * the whole text, ranges included.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { visit } from 'yaml';
import { drain, parseFile, parseText, parseTextSteps, type ParsedFile } from '../../server/src/engine/document';
import { analyze, GIT_REPO, KUSTOMIZATION } from './rules/helpers';

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Everything of a parse the rules read: document ranges, node ranges, problems, values, identities. */
function snapshot(file: ParsedFile): unknown {
  return file.documents.map((d) => {
    const ranges: unknown[] = [];
    visit(d.yaml.contents ?? null, (_k, n) => { if (n && typeof n === 'object' && 'range' in n) ranges.push((n as { range: unknown }).range); });
    return { range: d.range, start: d.startOffset, end: d.endOffset, errors: d.errors, value: d.value(), kind: d.kind, name: d.name, ranges };
  });
}

const corpus = [path.resolve(__dirname, '../example'), path.resolve(__dirname, '../../../shared/corpus')].filter((d) => fs.existsSync(d));

describe('incremental analysis', () => {
  it('parses every example and corpus file per document exactly as the whole-file parse does', () => {
    const files = corpus.flatMap((d) => yamlFiles(d));
    assert.ok(files.length > 10, 'the example and corpus files are there');
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const chunked = drain(parseTextSteps(text, 'file:///eq.yaml', 1, { next: new Map() }));
      assert.deepEqual(snapshot(chunked), snapshot(parseText(text)), f);
    }
  });

  it('handles comments before the first marker, empty documents, CRLF, block scalars on the marker line', () => {
    for (const text of ['# c\n---\na: 1\n---\nb: 2\n', 'a: 1\n---\n', '---\n---\n', '\n\n---\na: 1\r\n---\r\nb: 2\r\n', '--- |\n  text\n--- >\n  more\n', 'a: &x 1\n---\nb: *x\n']) {
      const chunked = drain(parseTextSteps(text, 'file:///eq.yaml', 1, { next: new Map() }));
      assert.deepEqual(snapshot(chunked), snapshot(parseText(text)), JSON.stringify(text));
    }
  });

  it('reuses the unchanged documents of the next version, moved to their new offsets', () => {
    const uri = 'file:///incremental/edit.yaml';
    const docs = [GIT_REPO, KUSTOMIZATION, GIT_REPO.replace('name: ', 'name: b').replace('interval: 5m', 'intervall: 5m')];
    const v1 = docs.join('---\n');
    const f1 = parseFile(v1, { uri, version: 1 });
    const firstTree = f1.documents[2]!.yaml;
    // An edit in the first document that adds a line: the other two keep their trees, at new offsets.
    const v2 = [GIT_REPO.replace('spec:\n', 'spec:\n  suspend: false\n'), docs[1], docs[2]].join('---\n');
    const d2 = analyze(v2, { uri, version: 2 });
    const f2 = parseFile(v2, { uri, version: 2 });
    assert.equal(f2.documents[2]!.yaml, firstTree, 'the unchanged third document is not parsed again');
    assert.notEqual(f2.documents[0]!.yaml, f1.documents[0]!.yaml);
    assert.deepEqual(snapshot(f2), snapshot(parseText(v2)));
    assert.deepEqual(d2, analyze(v2), 'diagnostics equal those of a fresh analysis, ranges included');
    assert.ok(d2.some((d) => d.code === 'flux/unknown-field' && d.range.start.line > 20), 'the third document\'s diagnostic moved with it');
    // And back: the diagnostics reused from version 2 are moved up again.
    const d3 = analyze(v1, { uri, version: 3 });
    assert.deepEqual(d3, analyze(v1));
  });

  it('keeps two documents with the same text apart and reports each duplicate once', () => {
    const uri = 'file:///incremental/dup.yaml';
    const v1 = `${GIT_REPO}---\n${GIT_REPO}`;
    analyze(v1, { uri, version: 1 });
    const v2 = `# edited\n${v1}`;
    const d2 = analyze(v2, { uri, version: 2 });
    assert.deepEqual(d2, analyze(v2));
    assert.equal(d2.filter((d) => d.code === 'flux/duplicate-object').length, 1);
  });
});

describe('outline names', () => {
  it('a kind written as a whitespace-only block scalar gets no symbol (an outline name is never blank)', async () => {
    const { documentSymbols } = await import('../../server/src/engine/features/symbols');
    const names = documentSymbols(parseText('apiVersion: source.toolkit.fluxcd.io/v1\nkind: |+\n\nmetadata:\n  name: x\n---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata:\n  name: |\n    two\n    lines\n')).map((s) => s.name);
    assert.deepEqual(names, ['GitRepository two lines']);
  });
});
