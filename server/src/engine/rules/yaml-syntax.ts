/**
 * flux/yaml-syntax and flux/duplicate-key: the parser's errors of one document. Reported for every YAML
 * document (Flux or not), except in Go/Helm template files, which the analysis skips as a whole.
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { FluxDiagnostic } from '../types';
import type { FluxDocument } from '../document';
import type { RuleContext } from './context';

/** The scalar key that starts at `offset`, found by walking the document's maps. */
function keyAt(doc: FluxDocument, offset: number): { text: string; start: number; end: number } | undefined {
  const stack: unknown[] = [doc.yaml.contents];
  let guard = 0;
  while (stack.length > 0 && guard++ < 100000) {
    const n = stack.pop();
    if (isMap(n)) {
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = p.key as Node | null;
        if (isScalar(k) && k.range && k.range[0] === offset) {
          return { text: String(k.value), start: k.range[0], end: k.range[1] };
        }
        if (k && typeof k === 'object') stack.push(k);
        stack.push(p.value);
      }
    } else if (isSeq(n)) {
      for (const it of n.items) stack.push(it);
    }
  }
  return undefined;
}

export function yamlSyntax(ctx: RuleContext): FluxDiagnostic[] {
  const { file, doc } = ctx;
  const out: FluxDiagnostic[] = [];
  const prefix = doc.isFlux ? ctx.prefix : '';
  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      const key = keyAt(doc, e.start);
      const start = key?.start ?? e.start;
      const end = key?.end ?? e.end;
      const name = key ? `'${key.text}'` : 'this key';
      out.push({
        range: file.lineIndex.range(start, end), severity: 'error', code: 'flux/duplicate-key',
        message: `${prefix}duplicate key ${name}: a key may appear only once in a map; remove or rename one of them`,
      });
    } else {
      out.push({
        range: file.lineIndex.range(e.start, e.end), severity: 'error', code: 'flux/yaml-syntax',
        message: `${prefix}YAML syntax error: ${e.message.replace(/ at line \d+, column \d+:?\s*$/, '')}`,
      });
    }
  }
  return out;
}
