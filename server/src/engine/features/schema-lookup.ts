/**
 * Shared by the language features: the schema of a document's kind, type labels and snippet text.
 */
import { findKind, splitApiVersion, isFluxGroup, type FluxKindInfo } from '../kinds';
import type { SchemaRegistry } from '../schema/registry';
import type { SchemaNode } from '../schema/types';

export interface KindSchemaHit {
  kindInfo?: FluxKindInfo;
  group: string;
  version: string;
  root?: SchemaNode;
  /** True when the document's own version has no schema and another version's is used. */
  fallback: boolean;
}

/**
 * The schema for an apiVersion/kind pair. When that exact version is unknown (e.g. a removed one) the
 * kind's current version, then any known version, stands in. Undefined for non-Flux groups.
 */
export function schemaFor(registry: SchemaRegistry, apiVersion: string | undefined, kind: string | undefined): KindSchemaHit | undefined {
  if (!apiVersion || !kind) return undefined;
  const { group, version } = splitApiVersion(apiVersion);
  if (!isFluxGroup(group)) return undefined;
  const kindInfo = findKind(kind, group);
  const exact = registry.get(group, version, kind);
  if (exact) return { kindInfo, group, version, root: exact, fallback: false };
  const candidates = [kindInfo?.current, ...registry.versions(group, kind)].filter((v): v is string => v !== undefined);
  for (const v of candidates) {
    const s = registry.get(group, v, kind);
    if (s) return { kindInfo, group, version, root: s, fallback: true };
  }
  return { kindInfo, group, version, fallback: false };
}

function isObjectSchema(s: SchemaNode): boolean {
  return s.type === 'object' || s.properties !== undefined || (s.additionalProperties !== undefined && s.additionalProperties !== false);
}

/** A short human type: `string`, `integer | string`, `array of object`, `map of string`. */
export function typeLabel(s: SchemaNode | undefined, depth = 0): string {
  if (!s) return 'any';
  if (s['x-kubernetes-int-or-string']) return 'integer | string';
  if (s.type === 'array') return depth > 2 ? 'array' : `array of ${typeLabel(s.items, depth + 1)}`;
  if (s.type === 'object' || isObjectSchema(s)) {
    if (!s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
      return depth > 2 ? 'map' : `map of ${typeLabel(s.additionalProperties, depth + 1)}`;
    }
    return 'object';
  }
  if (s.type) return s.type;
  if (s['x-kubernetes-preserve-unknown-fields']) return 'any (free-form)';
  return 'any';
}

export { isObjectSchema };

/** Escapes text for a snippet placeholder or plain snippet text. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, (c) => `\\${c}`);
}

/** A GO duration pattern (`...(ms|s|m|h)...`). */
const DURATION_HINT = /ms\|s\|m\|h/;

/** Numbers tab stops in a snippet. */
export class TabStops {
  private n = 0;
  next(): number {
    return ++this.n;
  }
}

/** The snippet for a scalar value: a choice for enums and booleans, a placeholder otherwise. */
export function valueSnippet(key: string, s: SchemaNode | undefined, stops: TabStops): string {
  const n = stops.next();
  if (s?.enum && s.enum.length > 0) {
    const values = s.enum.map((v) => escapeChoice(String(v)));
    const def = s.default !== undefined ? escapeChoice(String(s.default)) : undefined;
    const ordered = def && values.includes(def) ? [def, ...values.filter((v) => v !== def)] : values;
    return `\${${n}|${ordered.join(',')}|}`;
  }
  if (s?.type === 'boolean') return s.default === true ? `\${${n}|true,false|}` : `\${${n}|false,true|}`;
  if (s?.default !== undefined && (typeof s.default === 'string' || typeof s.default === 'number')) {
    return `\${${n}:${escapeSnippet(String(s.default))}}`;
  }
  if (s?.pattern && DURATION_HINT.test(s.pattern)) return `\${${n}:${key === 'timeout' ? '5m' : '10m'}}`;
  return `\${${n}:${escapeSnippet(key)}}`;
}

/**
 * The lines (relative indentation, no trailing newline) of `key:` with a skeleton of its required
 * fields, recursing into required objects up to `depth`.
 */
export function fieldSnippetLines(key: string, s: SchemaNode | undefined, stops: TabStops, depth: number): string[] {
  const k = escapeSnippet(key);
  if (!s) return [`${k}: \${${stops.next()}}`];
  if (s.type === 'array') {
    const item = s.items;
    if (item && isObjectSchema(item) && item.properties) {
      const inner = requiredLines(item, stops, depth - 1);
      if (inner.length > 0) return [`${k}:`, `  - ${inner[0]}`, ...inner.slice(1).map((l) => `    ${l}`)];
      return [`${k}:`, `  - \${${stops.next()}}`];
    }
    return [`${k}:`, `  - ${valueSnippet(key, item, stops)}`];
  }
  if (isObjectSchema(s) && !s['x-kubernetes-int-or-string']) {
    const inner = depth > 0 && s.properties ? requiredLines(s, stops, depth - 1) : [];
    if (inner.length > 0) return [`${k}:`, ...inner.map((l) => `  ${l}`)];
    return [`${k}:`, `  \${${stops.next()}}`];
  }
  return [`${k}: ${valueSnippet(key, s, stops)}`];
}

/** The lines of an object's required fields (its `required` list, in schema order). */
export function requiredLines(s: SchemaNode, stops: TabStops, depth: number): string[] {
  const out: string[] = [];
  for (const r of s.required ?? []) {
    const child = s.properties?.[r];
    out.push(...fieldSnippetLines(r, child, stops, depth));
  }
  return out;
}
