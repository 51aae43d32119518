/**
 * The language server's document sync (server/src/lsp/text-documents.ts): didChange ranges a client should never
 * send are clamped into the document, so the text is what TextDocument.update gives on a fresh document and the
 * line table stays sound (the seed-11 fuzz hang: a range at line 2^31-1 made the next change loop 2^31 times).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyChanges, clampPosition, sanitizeChange } from '../../server/src/lsp/text-documents';

const HUGE = 2 ** 31 - 1;

/** The text a fresh document gets from one change (its line table is computed from the text: always sound). */
function expected(text: string, change: unknown): string {
  const d = TextDocument.create('file:///x.yaml', 'yaml', 1, text);
  TextDocument.update(d, [change as never], 2);
  return d.getText();
}

/** Line count and positions recomputed from the text: what a sound line table gives. */
function soundTable(doc: TextDocument): void {
  const fresh = TextDocument.create(doc.uri, 'yaml', doc.version, doc.getText());
  assert.equal(doc.lineCount, fresh.lineCount, 'line count');
  for (let off = 0; off <= doc.getText().length; off++) assert.deepEqual(doc.positionAt(off), fresh.positionAt(off), `position of offset ${off}`);
}

describe('didChange ranges clamped into the document', () => {
  it('clamps lines and characters, negative, huge and non-numeric values', () => {
    const d = TextDocument.create('file:///x.yaml', 'yaml', 1, 'ab\ncde\n');
    assert.deepEqual(clampPosition(d, { line: -1, character: -5 }), { line: 0, character: 0 });
    assert.deepEqual(clampPosition(d, { line: HUGE, character: HUGE }), { line: 2, character: 0 });
    assert.deepEqual(clampPosition(d, { line: 1, character: 99 }), { line: 1, character: 3 });
    assert.deepEqual(clampPosition(d, { line: 'x', character: null }), { line: 0, character: 0 });
    assert.deepEqual(clampPosition(d, undefined), { line: 0, character: 0 });
    assert.deepEqual(clampPosition(d, { line: 1, character: 2 }), { line: 1, character: 2 });
  });

  it('orders a reversed range and keeps a full-text change; drops a change without text', () => {
    const d = TextDocument.create('file:///x.yaml', 'yaml', 1, 'ab\ncde\n');
    assert.deepEqual(sanitizeChange(d, { range: { start: { line: 1, character: 1 }, end: { line: 0, character: 1 } }, text: 'X' }),
      { range: { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } }, text: 'X' });
    assert.deepEqual(sanitizeChange(d, { text: 'all' }), { text: 'all' });
    assert.equal(sanitizeChange(d, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }), undefined);
    assert.equal(sanitizeChange(d, null), undefined);
  });

  it('the seed-11 sequence: a change at line 2^31-1, then one before it, answers at once with the right text', () => {
    const d = TextDocument.create('file:///x.yaml', 'yaml', 1, 'apiVersion: v1\nkind: ConfigMap\n');
    const c1 = { range: { start: { line: HUGE, character: HUGE }, end: { line: HUGE - 1, character: 0 } }, text: 'x\n' };
    const want1 = expected(d.getText(), c1);
    applyChanges(d, [c1], 2);
    assert.equal(d.getText(), want1);
    assert.equal(d.lineCount, 4);
    const c2 = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'y' };
    const want2 = expected(d.getText(), c2);
    const t0 = performance.now();
    applyChanges(d, [c2], 3);
    assert.ok(performance.now() - t0 < 1000, 'the second change is applied without walking a 2^31-entry table');
    assert.equal(d.getText(), want2);
    assert.equal(d.version, 3);
    soundTable(d);
  });

  it('many random changes (lines past the end, negative, reversed): text as applied on fresh documents, table sound', () => {
    let seed = 7;
    const r = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const pos = (lines: number): { line: number; character: number } => {
      const k = r();
      if (k < 0.1) return { line: -1, character: -3 };
      if (k < 0.2) return { line: lines + Math.floor(r() * 5), character: Math.floor(r() * 9) };
      return { line: Math.floor(r() * lines), character: Math.floor(r() * 12) };
    };
    const d = TextDocument.create('file:///x.yaml', 'yaml', 1, 'a: 1\nb:\n  - c\n  - d\r\ne: f\n');
    for (let i = 0; i < 300; i++) {
      const change = { range: { start: pos(d.lineCount), end: pos(d.lineCount) }, text: ['', 'x', 'y\n', '\n\n', 'z\r\n', 'k: v\n  w'][Math.floor(r() * 6)]! };
      const want = expected(d.getText(), change);
      applyChanges(d, [change], i + 2);
      assert.equal(d.getText(), want, `change ${i}`);
    }
    soundTable(d);
  });
});
