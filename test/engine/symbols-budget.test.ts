/**
 * The outline's budget (server/src/engine/features/symbols.ts): at most OUTLINE_MAX_SYMBOLS symbols, objects
 * first, then their fields in order; past that many objects, one last symbol stands for the rest. Files far
 * below it are outlined in full. The outline read from the lines (line-read.ts) keeps the same budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from '../../server/src/engine/document';
import { documentSymbols, OUTLINE_MAX_SYMBOLS, type DocSymbol } from '../../server/src/engine/features/symbols';
import { lineSymbols } from '../../server/src/engine/features/line-read';
import { lineReadFile } from '../../server/src/engine/document/parse';

const count = (xs: readonly DocSymbol[] | undefined): number => (xs ?? []).reduce((n, s) => n + 1 + count(s.children), 0);

function kustomization(i: number, extra: number): string {
  const labels = Array.from({ length: extra }, (_, k) => `    l${k}: v${k}`).join('\n');
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: app-${i}\n  namespace: flux-system\n  labels:\n${labels}\nspec:\n  interval: 10m\n  path: ./apps/${i}\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: repo\n`;
}

test('a file of 1,000 objects: all listed, the fields cut at the budget, the first objects in full', () => {
  const text = Array.from({ length: 1000 }, (_, i) => kustomization(i, 40)).join('---\n');
  const symbols = documentSymbols(parseText(text));
  assert.equal(symbols.length, 1000);
  assert.deepEqual(symbols.slice(0, 2).map((s) => s.name), ['Kustomization flux-system/app-0', 'Kustomization flux-system/app-1']);
  const fields = symbols.reduce((n, s) => n + count(s.children), 0);
  assert.ok(fields <= OUTLINE_MAX_SYMBOLS - 1000, `${fields} fields`);
  assert.ok(fields > (OUTLINE_MAX_SYMBOLS - 1000) * 0.9, `${fields} fields: the budget is used, not dropped early`);
  const full = count(symbols[0]!.children);
  assert.ok(full >= 50, `the first object has its ${full} fields`);
  assert.equal(symbols[999]!.children, undefined, 'the last object comes without sections');
});

test('a normal file is outlined in full (the same as each object alone)', () => {
  const docs = Array.from({ length: 5 }, (_, i) => kustomization(i, 3));
  const together = documentSymbols(parseText(docs.join('---\n'))).map((s) => count(s.children));
  const alone = docs.map((d) => count(documentSymbols(parseText(d))[0]!.children));
  assert.deepEqual(together, alone);
  assert.ok(alone[0]! > 10);
});

test('a file of more objects than the budget: the first ones listed, then one symbol for the rest', () => {
  const n = OUTLINE_MAX_SYMBOLS + 1200;
  const text = Array.from({ length: n }, (_, i) => kustomization(i, 1)).join('---\n');
  const file = parseText(text);
  for (const [how, symbols] of [['parsed', documentSymbols(file)], ['line-read', lineSymbols(lineReadFile(text))]] as const) {
    assert.equal(count(symbols), OUTLINE_MAX_SYMBOLS, how);
    assert.equal(symbols.length, OUTLINE_MAX_SYMBOLS, `${how}: no room is left for fields`);
    const more = symbols[symbols.length - 1]!;
    assert.equal(more.name, `${(n - OUTLINE_MAX_SYMBOLS + 1).toLocaleString('en-US')} more objects, not listed (the outline lists ${OUTLINE_MAX_SYMBOLS.toLocaleString('en-US')} symbols)`, how);
    // It selects the first object not listed, and covers them all.
    const firstUnlisted = text.split('\n').indexOf(`  name: app-${OUTLINE_MAX_SYMBOLS - 1}`);
    assert.equal(more.selectionRange.start.line, firstUnlisted, how);
    assert.equal(more.range.end.line, text.split('\n').length - 1, how);
    assert.equal(symbols[symbols.length - 2]!.name, `Kustomization flux-system/app-${OUTLINE_MAX_SYMBOLS - 2}`, how);
  }
});
