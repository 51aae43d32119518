/**
 * The open documents' text, kept in sync from didChange notifications, robust to ranges a client should never
 * send (lines past the end, negative or huge numbers, reversed or malformed ranges).
 *
 * Why not TextDocument.update as it is: vscode-languageserver-textdocument (1.0.16, the latest) clamps such a
 * range when it edits the text but not when it updates its table of line offsets. A change whose range names
 * line 2^31-1 writes that index into the table (a sparse array of length 2^31); the next change in front of it
 * then loops over all 2^31 entries, and the server stops answering for hours (the fuzzer's seed-11 hang: it did
 * not reproduce in-process because a fresh document from the same text has a sound table). Smaller overshoots
 * (a few lines past the end) leave holes that make later positions wrong. So each change's range is first
 * mapped to the document's real positions (offsetAt then positionAt, which clamp correctly), then applied.
 */
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument, type Position } from 'vscode-languageserver-textdocument';

/** A finite integer, else 0 (the protocol's positions are uintegers; anything else is a broken client). */
function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0;
}

/** The position inside `doc` that `p` designates: lines clamped to the document, characters to their line. */
export function clampPosition(doc: TextDocument, p: unknown): Position {
  const q = (p && typeof p === 'object' ? p : {}) as { line?: unknown; character?: unknown };
  return doc.positionAt(doc.offsetAt({ line: int(q.line), character: int(q.character) }));
}

/**
 * One change made safe to apply to `doc`: a range clamped into the document (a full-text change as it is), or
 * undefined when the change is not one (no text).
 */
export function sanitizeChange(doc: TextDocument, change: unknown): TextDocumentContentChangeEvent | undefined {
  if (!change || typeof change !== 'object') return undefined;
  const c = change as { text?: unknown; range?: unknown };
  if (typeof c.text !== 'string') return undefined;
  if (c.range === undefined) return { text: c.text };
  const r = (c.range && typeof c.range === 'object' ? c.range : {}) as { start?: unknown; end?: unknown };
  let start = clampPosition(doc, r.start);
  let end = clampPosition(doc, r.end);
  if (doc.offsetAt(start) > doc.offsetAt(end)) [start, end] = [end, start];
  return { range: { start, end }, text: c.text };
}

/** Applies the changes one by one, each clamped against the text the previous ones left. */
export function applyChanges(doc: TextDocument, changes: readonly unknown[], version: number): TextDocument {
  for (const change of changes) {
    const safe = sanitizeChange(doc, change);
    if (safe) TextDocument.update(doc, [safe], version);
  }
  return TextDocument.update(doc, [], version);
}

/** The TextDocuments configuration of the language server: TextDocument, with changes applied safely. */
export const robustTextDocuments: TextDocumentsConfiguration<TextDocument> = {
  create: (uri, languageId, version, content) => TextDocument.create(uri, languageId, version, content),
  update: (doc, changes, version) => applyChanges(doc, changes, version),
};
