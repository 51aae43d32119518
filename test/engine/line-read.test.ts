/**
 * The answers read from a file's lines (server/src/engine/features/line-read.ts), which the language server gives
 * while a document's parse is still running, against the parse-based ones: the same outline (block-scalar
 * details aside), the same field hover, the same definition targets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FluxEngine } from '../../server/src/engine/engine';
import { lineReadFile, parseText } from '../../server/src/engine/document';
import { documentSymbols, type DocSymbol } from '../../server/src/engine/features/symbols';
import { lineSymbols } from '../../server/src/engine/features/line-read';
import { yamlFiles } from './yaml-same';
import { KUSTOMIZATION } from './rules/helpers';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

/** Symbols as text, without the details of block scalars (the line reading has none for them). */
function show(s: DocSymbol, depth = 0): string {
  const r = (x: DocSymbol['range']): string => `${x.start.line}:${x.start.character}-${x.end.line}:${x.end.character}`;
  const detail = s.detail !== undefined && !s.detail.includes('\n') ? s.detail : '';
  return `${' '.repeat(depth)}${s.name} ${s.kind} ${detail} ${r(s.range)} ${r(s.selectionRange)}\n${(s.children ?? []).map((c) => show(c, depth + 1)).join('')}`;
}

test('the line-read outline is the parsed outline on the fixtures and the corpus', () => {
  const files = yamlFiles(path.join(ROOT, 'test/example'));
  if (fs.existsSync(CORPUS)) files.push(...yamlFiles(CORPUS));
  let same = 0;
  const differ: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    const parsed = documentSymbols(parseText(text));
    const lines = lineSymbols(lineReadFile(text));
    assert.deepEqual(lines.map((s) => s.name), parsed.map((s) => s.name), `${f}: objects`);
    const a = parsed.map((s) => show(s)).join('');
    const b = lines.map((s) => show(s)).join('');
    if (a === b) same++;
    else differ.push(f);
  }
  // Multi-line plain scalars get no detail from the line reading: every other file must be the same.
  assert.ok(same >= files.length - 3 && same > 20, `${same} of ${files.length} the same; differ: ${differ.join(', ')}`);
});

// The rules' Kustomization, its sourceRef renamed, with a dependsOn.
const KS = `${KUSTOMIZATION.replace('    name: flux-system\n', '    name: repo\n')}  dependsOn:\n    - name: infra\n`;
const TARGETS = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: repo
  namespace: flux-system
spec:
  interval: 1m
  url: https://example.com/repo
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: infra
  namespace: flux-system
spec:
  interval: 10m
  path: ./infra
  prune: true
  sourceRef:
    kind: GitRepository
    name: repo
`;

test('the line-read hover on a field is the parsed hover (without the reference line)', () => {
  const engine = new FluxEngine();
  for (const [line, character] of [[6, 4], [7, 9], [10, 6], [13, 8]] as const) {
    const parsed = engine.hover(KS, 'file:///w/ks.yaml', 1, { line, character });
    const lines = engine.lineHover(KS, 'file:///w/ks.yaml', 1, { line, character });
    assert.ok(parsed && lines, `a hover at ${line}:${character}`);
    assert.equal(lines.contents, parsed.contents.replace(/\n\nRefers to [^\n]*/, ''), `contents at ${line}:${character}`);
    assert.deepEqual(lines.range, parsed.range, `range at ${line}:${character}`);
  }
  assert.equal(engine.lineHover(KS, 'file:///w/ks.yaml', 1, { line: 14, character: 0 }), undefined, 'on the empty last line, nothing');
});

test('the line-read definition goes where the parsed one does: sourceRef and dependsOn', () => {
  const engine = new FluxEngine();
  engine.indexFile(TARGETS, 'file:///w/targets.yaml');
  for (const [line, character] of [[9, 4], [11, 11], [10, 10], [13, 13]] as const) {
    const parsed = engine.definition(KS, 'file:///w/ks.yaml', 1, { line, character });
    const lines = engine.lineDefinition(KS, 'file:///w/ks.yaml', 1, { line, character });
    assert.equal(parsed.length, 1, `a parsed target at ${line}:${character}`);
    assert.deepEqual(lines, parsed, `targets at ${line}:${character}`);
  }
  assert.deepEqual(engine.lineDefinition(KS, 'file:///w/ks.yaml', 1, { line: 6, character: 4 }), [], 'interval is no reference');
});
