/**
 * The outline's budget (server/src/engine/features/symbols.ts): every Flux object is listed, but the file's
 * outline holds at most OUTLINE_MAX_TOTAL_FIELDS fields; files far below it are outlined in full.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseText } from '../../server/src/engine/document';
import { documentSymbols, OUTLINE_MAX_TOTAL_FIELDS, type DocSymbol } from '../../server/src/engine/features/symbols';

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
  assert.ok(fields <= OUTLINE_MAX_TOTAL_FIELDS, `${fields} fields`);
  assert.ok(fields > OUTLINE_MAX_TOTAL_FIELDS * 0.9, `${fields} fields: the budget is used, not dropped early`);
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
