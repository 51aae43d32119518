/**
 * Schema checks of a Flux document against its kind's schema (bundled, or the cluster's CRD):
 * flux/schema-type, flux/schema-enum, flux/schema-pattern, flux/schema-format, flux/schema-range,
 * flux/missing-required, flux/unknown-field (a warning, with data.suggestion for did-you-mean), and
 * flux/alias-limit when the document expands too many aliases to be judged.
 *
 * Ranges: the key for unknown fields, the value for type/enum/pattern/format/range, the parent key for
 * missing required fields (the `kind` key when the parent is the object itself).
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { COLLECTION_KEY_STANDIN, findPath, hasSyntaxErrors } from '../document';
import { validateValue, type SchemaErrorKeyword } from '../schema/validate';
import type { FluxDiagnostic, Severity } from '../types';
import { isRecord, type RuleContext } from './context';

const CODES: Record<SchemaErrorKeyword, string> = {
  type: 'flux/schema-type',
  enum: 'flux/schema-enum',
  pattern: 'flux/schema-pattern',
  format: 'flux/schema-format',
  minLength: 'flux/schema-range',
  maxLength: 'flux/schema-range',
  minimum: 'flux/schema-range',
  maximum: 'flux/schema-range',
  minItems: 'flux/schema-range',
  maxItems: 'flux/schema-range',
  required: 'flux/missing-required',
  'unknown-field': 'flux/unknown-field',
};

/** Identity fields the document model already read; a Flux document always has them here. */
const ROOT_IDENTITY = new Set(['apiVersion', 'kind']);

export function schema(ctx: RuleContext): FluxDiagnostic[] {
  const { doc } = ctx;
  if (!doc.isFlux || !ctx.schema) return [];
  let value = ctx.value();
  if (doc.aliasLimitExceeded()) {
    return [ctx.diag('flux/alias-limit', 'warning', ctx.rangeOf([], 'key'),
      'the document expands too many YAML aliases to be validated; use fewer aliases (or none) in Flux objects')];
  }
  if (!isRecord(value)) return [];
  if (doc.isSops && Object.hasOwn(value, 'sops')) {
    // The SOPS metadata block is removed at decryption; it is not a field of the object.
    const { sops: _sops, ...rest } = value;
    value = rest;
  }
  // While the document has syntax errors, parts of it may be missing: do not claim required fields are.
  const broken = hasSyntaxErrors(doc);
  const out: FluxDiagnostic[] = [];
  for (const e of validateValue(ctx.schema, value, { partial: ctx.isPatch(), quoted: (path) => quotedAt(ctx, path) })) {
    const code = CODES[e.keyword];
    // A value under a custom tag (`!env_var X`) is resolved by some tool before Flux sees it: not judged.
    if (underCustomTag(ctx, e.path)) continue;
    // `=` is YAML 1.1's value key, seen in the wild; it is not a typo of a field. A key that is a map or a list
    // is flux/collection-key's.
    if (e.keyword === 'unknown-field' && (e.path[e.path.length - 1] === '=' || e.path[e.path.length - 1] === COLLECTION_KEY_STANDIN)) continue;
    // While the document has syntax errors, keys may have landed in the wrong map: unknown fields are noise.
    if (e.keyword === 'unknown-field' && broken) continue;
    if (e.keyword === 'required') {
      if (broken) continue;
      const field = /required field '([^']+)'/.exec(e.message)?.[1];
      if (e.path.length === 0 && field !== undefined && ROOT_IDENTITY.has(field)) continue;
      if (e.path.length === 0 && field === 'status') continue;
      // data.path (the parent object's path) lets the fleet model drop a field that a parent's patch supplies, and the quick fix find where to add it.
      out.push(ctx.diag(code, 'error', ctx.rangeOf(e.path, 'key'), e.message, field !== undefined ? { field, path: e.path } : { path: e.path }));
      continue;
    }
    const severity: Severity = e.keyword === 'unknown-field' ? 'warning' : 'error';
    const range = ctx.rangeOf(e.path, e.keyword === 'unknown-field' ? 'key' : 'value');
    out.push(ctx.diag(code, severity, range, e.message, e.suggestion !== undefined ? { suggestion: e.suggestion, path: e.path } : { path: e.path }));
  }
  return out;
}

const QUOTED: ReadonlySet<unknown> = new Set([Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE, Scalar.BLOCK_LITERAL, Scalar.BLOCK_FOLDED]);

/** Whether the scalar at the path is written quoted or as a block scalar (its substitution default stays a string). */
function quotedAt(ctx: RuleContext, path: ReadonlyArray<string | number>): boolean {
  const hit = findPath(ctx.doc, path);
  return hit.depth === path.length && isScalar(hit.node) && QUOTED.has(hit.node.type);
}

const YAML_CORE_TAG = 'tag:yaml.org,2002:';

/** Whether a node on the path (the value itself or one of its parents) carries a non-standard tag. */
function underCustomTag(ctx: RuleContext, path: ReadonlyArray<string | number>): boolean {
  let node = ctx.doc.yaml.contents as Node | null;
  for (let i = 0; ; i++) {
    if (!node || isAlias(node)) return false;
    if (typeof node.tag === 'string' && !node.tag.startsWith(YAML_CORE_TAG)) return true;
    if (i >= path.length) return false;
    const seg = path[i];
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      node = (pair?.value as Node | null | undefined) ?? null;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = (node.items[seg] as Node | undefined) ?? null;
    } else {
      return false;
    }
  }
}
