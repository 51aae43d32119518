/**
 * flux/duplicate-object (warning): the same Flux object (kind, namespace, name) defined twice in one file.
 * kustomize refuses to build such a folder, and outside kustomize the later definition silently wins.
 */
import { rangeOfPath, type ParsedFile, type FluxDocument } from '../document';
import type { FluxDiagnostic } from '../types';
import type { RuleContext } from './context';

/** The first document of each object identity, per parsed file (computed once per file). */
const firstByFile = new WeakMap<ParsedFile, Map<string, FluxDocument>>();

function identity(doc: FluxDocument): string | undefined {
  if (!doc.kindInfo || !doc.name || doc.name.includes('${') || doc.namespace?.includes('${')) return undefined;
  return `${doc.group}/${doc.kind}/${doc.namespace ?? ''}/${doc.name}`;
}

function firstDocs(file: ParsedFile): Map<string, FluxDocument> {
  let m = firstByFile.get(file);
  if (!m) {
    m = new Map();
    for (const d of file.documents) {
      const id = identity(d);
      if (id !== undefined && !m.has(id)) m.set(id, d);
    }
    firstByFile.set(file, m);
  }
  return m;
}

export function duplicateObject(ctx: RuleContext): FluxDiagnostic[] {
  const id = identity(ctx.doc);
  if (id === undefined) return [];
  const first = firstDocs(ctx.file).get(id);
  if (!first || first === ctx.doc) return [];
  const line = rangeOfPath(ctx.file, first, ['metadata', 'name'], 'value').start.line + 1;
  return [ctx.diag('flux/duplicate-object', 'warning', ctx.rangeOf(['metadata', 'name'], 'value'),
    `this ${ctx.doc.kind} is already defined in this file (line ${line}); kustomize rejects duplicates: remove one or rename it`)];
}
