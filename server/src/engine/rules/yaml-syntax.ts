/**
 * flux/yaml-syntax, flux/duplicate-key and flux/collection-key: the parser's errors of one document, and its keys
 * that are repeated or that are maps or lists. Reported for every YAML
 * document (Flux or not), except in Go/Helm template files, which the analysis skips as a whole.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit, type Node } from 'yaml';
import type { FluxDiagnostic } from '../types';
import { COLLECTION_KEY, type FluxDocument } from '../document';
import type { RuleContext } from './context';

/** Every scalar map key of the document by its start offset (built once, only when there are duplicate keys). */
function keysByOffset(doc: FluxDocument): Map<number, { text: string; start: number; end: number }> {
  const out = new Map<number, { text: string; start: number; end: number }>();
  const stack: unknown[] = [doc.yaml.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n)) {
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = p.key as Node | null;
        if (isScalar(k) && k.range) out.set(k.range[0], { text: String(k.value), start: k.range[0], end: k.range[1] });
        else if (k && typeof k === 'object') stack.push(k);
        stack.push(p.value);
      }
    } else if (isSeq(n)) {
      for (const it of n.items) stack.push(it);
    }
  }
  return out;
}

/** Parser errors reported per document; past this, one summary diagnostic says how many more there are. */
export const MAX_YAML_ERRORS = 100;

export function yamlSyntax(ctx: RuleContext): FluxDiagnostic[] {
  const { file, doc } = ctx;
  const out: FluxDiagnostic[] = [];
  const prefix = doc.isFlux ? ctx.prefix : '';
  let keys: Map<number, { text: string; start: number; end: number }> | undefined;
  for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) {
    if (e.code === 'DUPLICATE_KEY') {
      keys ??= keysByOffset(doc);
      const key = keys.get(e.start);
      const start = key?.start ?? e.start;
      const end = key?.end ?? e.end;
      const name = key ? `'${key.text}'` : 'this key';
      out.push({
        range: file.lineIndex.range(start, end), severity: 'error', code: 'flux/duplicate-key',
        message: `${prefix}duplicate key ${name}: a key may appear only once in a map; remove or rename one of them`,
      });
    } else if (e.code === COLLECTION_KEY) {
      let { start, end } = e;
      const consequence = 'Kubernetes reads a manifest as JSON, where every key is a string, and rejects the document '
        + '("error converting YAML to JSON: yaml: invalid map key")';
      // Unquoted template syntax, `{{ .Values.x }}`, is a flow map whose key is a flow map (`{ .Values.x }`).
      const template = file.lineIndex.lineText(file.lineIndex.positionAt(e.start).line).includes('{{');
      // The range is the whole `{{ ... }}` then.
      if (template && file.text[start - 1] === '{' && file.text[end] === '}') { start--; end++; }
      const message = template
        ? `template syntax outside quotes is a YAML map whose key is a map: ${consequence}; quote it ("{{ ... }}") or move it into a block scalar`
        : `this map key is a ${isListStart(file.text, e.start) ? 'list' : 'map'}: ${consequence}; make the key a plain string, or quote it`;
      out.push({ range: file.lineIndex.range(start, end), severity: 'error', code: 'flux/collection-key', message: `${prefix}${message}` });
    } else {
      out.push({
        range: file.lineIndex.range(e.start, e.end), severity: 'error', code: 'flux/yaml-syntax',
        message: `${prefix}YAML syntax error: ${e.message.replace(/ at line \d+, column \d+:?\s*$/, '')}`,
      });
    }
  }
  if (doc.errors.length > MAX_YAML_ERRORS) {
    const last = doc.errors[MAX_YAML_ERRORS]!;
    out.push({
      range: file.lineIndex.range(last.start, last.end), severity: 'error', code: 'flux/yaml-syntax',
      message: `${prefix}${doc.errors.length - MAX_YAML_ERRORS} more YAML errors in this document are not shown; fix the ones above first`,
    });
  }
  const alias = hasStar(file.text, doc.startOffset, doc.endOffset) ? unresolvedAlias(doc) : undefined;
  if (alias) {
    out.push({
      range: file.lineIndex.range(alias.start, alias.end), severity: 'error', code: 'flux/yaml-syntax',
      message: `${prefix}YAML syntax error: alias *${alias.name} has no anchor; define &${alias.name} earlier in the same document (anchors do not cross '---')`,
    });
  }
  return out;
}

/** Whether the collection whose node starts at `start` is a list: a flow `[`, or a block `- ` entry. */
function isListStart(text: string, start: number): boolean {
  const c = text[start];
  return c === '[' || (c === '-' && /\s/.test(text[start + 1] ?? ' '));
}

/** Whether text[start, end) has a `*` (bounded: an unbounded indexOf per document is quadratic in a many-document file). */
function hasStar(text: string, start: number, end: number): boolean {
  const stop = Math.min(end, text.length);
  for (let i = Math.max(0, start); i < stop; i++) if (text.charCodeAt(i) === 42) return true;
  return false;
}

/**
 * The first alias whose anchor is not defined before it in the document. The parser accepts such aliases and
 * only fails when the value is built, so this looks only at documents whose value could not be built.
 */
function unresolvedAlias(doc: FluxDocument): { name: string; start: number; end: number } | undefined {
  if (doc.errors.length > 0 || !isCollection(doc.yaml.contents)) return undefined;
  if (doc.value() !== undefined || doc.aliasLimitExceeded()) return undefined;
  const anchors = new Set<string>();
  let found: { name: string; start: number; end: number } | undefined;
  visit(doc.yaml, (_key, node) => {
    if (isAlias(node)) {
      if (!anchors.has(node.source) && node.range) {
        found = { name: node.source, start: node.range[0], end: node.range[1] };
        return visit.BREAK;
      }
    } else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string') {
      anchors.add(node.anchor);
    }
    return undefined;
  });
  return found;
}
