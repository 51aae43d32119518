/**
 * Validates plain JS values (parsed YAML) against a SchemaNode, the way the Kubernetes API server would judge
 * a Flux object against its CRD schema, with the allowances real Flux repositories need (FLUX-FACTS §9):
 * post-build substitution variables (`${VAR}`, `${VAR:=default}`) and SOPS-encrypted values (`ENC[...]`).
 *
 * Messages name the field path and the fix, without the object prefix (the caller adds "Kind ns/name: ").
 */
import type { SchemaNode } from './types';

export type SchemaErrorKeyword =
  | 'type' | 'enum' | 'pattern' | 'required' | 'unknown-field'
  | 'minLength' | 'maxLength' | 'minimum' | 'maximum' | 'minItems' | 'maxItems' | 'format';

export interface SchemaError {
  /** The value's path; for `required` the parent object's path; for `unknown-field` the unknown key's path. */
  path: Array<string | number>;
  keyword: SchemaErrorKeyword;
  message: string;
  /** A replacement for the offending key or value (did-you-mean), when one is close. */
  suggestion?: string;
}

export interface ValidateOptions {
  /** Skip the top-level `status` (default true: status is written by controllers, not by users). */
  skipStatus?: boolean;
  /** Stop after this many errors (default 200). */
  maxErrors?: number;
  /**
   * The value is a partial object, e.g. a kustomize patch (patchesStrategicMerge / `patches:` target):
   * missing required fields are not reported; types, values and unknown fields still are.
   */
  partial?: boolean;
  /**
   * Whether the string at a path was written quoted (or as a block scalar) in the source. Post-build
   * substitution is textual, so the default of a quoted `"${VAR:=2}"` stays a string, while a plain
   * `${VAR:=2}` becomes an integer. Without this option every default is read as a plain scalar.
   */
  quoted?: (path: ReadonlyArray<string | number>) => boolean;
}

type Path = Array<string | number>;

interface Ctx {
  errors: SchemaError[];
  skipStatus: boolean;
  partial: boolean;
  max: number;
  /** Objects and arrays on the current walk, to stop on cyclic values (recursive YAML aliases). */
  stack: Set<object>;
  quoted: ((path: ReadonlyArray<string | number>) => boolean) | undefined;
}

export function validateValue(schema: SchemaNode, value: unknown, opts: ValidateOptions = {}): SchemaError[] {
  const ctx: Ctx = {
    errors: [], skipStatus: opts.skipStatus ?? true, partial: opts.partial ?? false, max: opts.maxErrors ?? 200, stack: new Set(),
    quoted: opts.quoted,
  };
  walk(schema, value, [], ctx, undefined);
  return ctx.errors;
}

// ---------------------------------------------------------------------------------------------------------
// Paths and value rendering
// ---------------------------------------------------------------------------------------------------------

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `spec.include[0].repository`, `metadata.annotations["fluxcd.io/x"]`. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** A short rendering of a value for messages; credentials in URLs are masked. */
function show(value: unknown): string {
  if (typeof value === 'string') {
    const masked = value.replace(/(\/\/)[^/@\s]*:[^/@\s]*@/g, '$1***@');
    const cut = masked.length > 60 ? `${masked.slice(0, 57)}...` : masked;
    return `'${cut.replace(/\n/g, '\\n')}'`;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'boolean': return 'a boolean';
    case 'number': return Number.isInteger(value) ? 'an integer' : 'a number';
    case 'bigint': return 'an integer';
    case 'object': return value instanceof Uint8Array ? 'binary data' : 'a map';
    default: return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  object: 'a map', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean',
};

function push(ctx: Ctx, e: SchemaError): void {
  if (e.suggestion === undefined) delete e.suggestion;
  if (ctx.errors.length < ctx.max) ctx.errors.push(e);
}

function subject(path: Path): string {
  return path.length === 0 ? 'the object' : formatPath(path);
}

// ---------------------------------------------------------------------------------------------------------
// Post-build substitution and SOPS
// ---------------------------------------------------------------------------------------------------------

/** `${VAR:=default}`, `${VAR:-default}`, `${VAR=default}`, `${VAR-default}` as a whole value. */
const SUBST_DEFAULT = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:=|:-|=|-)(.*)\}$/s;
const ENC_VALUE = /^ENC\[.*\]$/s;

/** Coerces a substitution default the way YAML would read it as a plain scalar (core schema). */
function coerceScalar(text: string): unknown {
  const t = text.trim();
  if (/^(true|True|TRUE)$/.test(t)) return true;
  if (/^(false|False|FALSE)$/.test(t)) return false;
  if (/^(null|Null|NULL|~)?$/.test(t)) return t === '' ? '' : null;
  if (/^[-+]?[0-9]+$/.test(t)) return Number(t);
  if (/^0x[0-9a-fA-F]+$/.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^0o[0-7]+$/.test(t)) return Number.parseInt(t.slice(2), 8);
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(t)) return Number(t);
  return text;
}

// ---------------------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------------------

function walk(node: SchemaNode, value: unknown, path: Path, ctx: Ctx, note: string | undefined): void {
  if (ctx.errors.length >= ctx.max) return;
  if (value === undefined) return;
  if (value === null) {
    // The API server drops nulls of non-nullable fields; a missing required field is reported by the parent.
    return;
  }
  if (typeof value === 'string') {
    if (ENC_VALUE.test(value)) return;
    if (value.includes('${')) {
      const m = SUBST_DEFAULT.exec(value);
      if (m && !m[3].includes('${')) {
        walk(node, ctx.quoted?.(path) ? m[3] : coerceScalar(m[3]), path, ctx, `(the default of \${${m[1]}})`);
      }
      return;
    }
  }
  if (!checkType(node, value, path, ctx, note)) return;
  if (node.enum && node.enum.length > 0 && !node.enum.some((e) => e === value)) {
    const suggestion = typeof value === 'string' ? closest(value, node.enum.filter((e): e is string => typeof e === 'string')) : undefined;
    push(ctx, {
      path: [...path],
      keyword: 'enum',
      message: `${subject(path)} ${show(value)}${note ? ` ${note}` : ''} is not allowed; use one of: ${node.enum.map((e) => String(e)).join(', ')}`
        + (suggestion !== undefined ? ` (did you mean '${suggestion}'?)` : ''),
      suggestion,
    });
  }
  if (typeof value === 'string') checkString(node, value, path, ctx, note);
  else if (typeof value === 'number') checkNumber(node, value, path, ctx, note);
  else if (Array.isArray(value)) checkArray(node, value, path, ctx);
  else if (typeof value === 'object') checkObject(node, value as Record<string, unknown>, path, ctx);
}

/** Returns false when the type is wrong (and reports it), so value checks are skipped. */
function checkType(node: SchemaNode, value: unknown, path: Path, ctx: Ctx, note: string | undefined): boolean {
  if (node['x-kubernetes-int-or-string']) {
    const ok = typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint';
    if (!ok) {
      push(ctx, { path: [...path], keyword: 'type', message: `${subject(path)}${note ? ` ${note}` : ''} must be an integer or a string, not ${typeName(value)}` });
    }
    return ok;
  }
  const t = node.type;
  if (t === undefined) return true;
  let ok: boolean;
  switch (t) {
    case 'object': ok = typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array); break;
    case 'array': ok = Array.isArray(value); break;
    case 'string': ok = typeof value === 'string'; break;
    case 'boolean': ok = typeof value === 'boolean'; break;
    case 'integer': ok = (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint'; break;
    case 'number': ok = (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'bigint'; break;
    default: ok = true;
  }
  if (ok) return true;
  push(ctx, { path: [...path], keyword: 'type', message: typeMessage(t, value, path, note) });
  return false;
}

function typeMessage(expected: string, value: unknown, path: Path, note: string | undefined): string {
  const head = `${subject(path)}${note ? ` ${note}` : ''} must be ${EXPECTED[expected] ?? expected}, not ${typeName(value)}`;
  const shown = typeof value === 'object' ? '' : ` ${show(value)}`;
  if (expected === 'boolean' && typeof value === 'string') {
    const v = value.toLowerCase();
    if (['yes', 'on', 'y', 'true'].includes(v)) return `${head}${shown}; write true (unquoted)`;
    if (['no', 'off', 'n', 'false'].includes(v)) return `${head}${shown}; write false (unquoted)`;
    return `${head}${shown}; use true or false`;
  }
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string' && /^\s*[-+]?[0-9.]+\s*$/.test(value)) {
    return `${head}${shown}; remove the quotes`;
  }
  if (expected === 'integer' && typeof value === 'number') return `${head}${shown}; use a whole number`;
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return `${head}${shown}; quote the value to keep it a string (e.g. "${String(value)}")`;
  }
  if (expected === 'array' && typeof value !== 'object') return `${head}${shown}; write it as a list item ("- ${String(value)}")`;
  return `${head}${shown}`;
}

/** Recognises the Go duration pattern of Flux's CRDs (FLUX-FACTS §8) by its unit alternation, for a clearer message. */
function isDurationPattern(p: string): boolean {
  return /\(ms\|s\|m\|h\)|\(ns\|us\|µs\|ms\|s\|m\|h\)/.test(p);
}

const regexCache = new Map<string, RegExp | null>();
function compile(pattern: string): RegExp | null {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      try {
        re = new RegExp(pattern);
      } catch {
        re = null; // An RE2 construct JS cannot compile: the pattern cannot be judged here.
      }
    }
    regexCache.set(pattern, re);
  }
  return re;
}

function checkString(node: SchemaNode, value: string, path: Path, ctx: Ctx, note: string | undefined): void {
  const n = note ? ` ${note}` : '';
  if (node.pattern !== undefined) {
    const re = compile(node.pattern);
    if (re && !re.test(value)) {
      const message = isDurationPattern(node.pattern)
        ? `${subject(path)} ${show(value)}${n} is not a valid Go duration (expected e.g. 1m, 30s, 1h30m)`
        : `${subject(path)} ${show(value)}${n} does not match the pattern ${node.pattern}`;
      push(ctx, { path: [...path], keyword: 'pattern', message });
    }
  }
  // Code points, counted only when a length is constrained (the spread allocates).
  const len = node.minLength !== undefined || node.maxLength !== undefined ? [...value].length : 0;
  if (node.minLength !== undefined && len < node.minLength) {
    push(ctx, {
      path: [...path], keyword: 'minLength',
      message: node.minLength === 1 && len === 0
        ? `${subject(path)}${n} must not be empty`
        : `${subject(path)}${n} is too short (${len} characters, at least ${node.minLength})`,
    });
  }
  if (node.maxLength !== undefined && len > node.maxLength) {
    push(ctx, { path: [...path], keyword: 'maxLength', message: `${subject(path)}${n} is too long (${len} characters, at most ${node.maxLength})` });
  }
  if (node.format === 'date-time' && !RFC3339.test(value)) {
    push(ctx, { path: [...path], keyword: 'format', message: `${subject(path)} ${show(value)}${n} is not an RFC 3339 date-time (e.g. 2024-01-31T12:00:00Z)` });
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;

function checkNumber(node: SchemaNode, value: number, path: Path, ctx: Ctx, note: string | undefined): void {
  const n = note ? ` ${note}` : '';
  if (node.minimum !== undefined && value < node.minimum) {
    push(ctx, { path: [...path], keyword: 'minimum', message: `${subject(path)} ${value}${n} is too small (minimum ${node.minimum})` });
  }
  if (node.maximum !== undefined && value > node.maximum) {
    push(ctx, { path: [...path], keyword: 'maximum', message: `${subject(path)} ${value}${n} is too large (maximum ${node.maximum})` });
  }
  if (node.format === 'int32' && (value < INT32[0] || value > INT32[1])) {
    push(ctx, { path: [...path], keyword: 'format', message: `${subject(path)} ${value}${n} does not fit a 32-bit integer` });
  }
}

function checkArray(node: SchemaNode, value: unknown[], path: Path, ctx: Ctx): void {
  if (node.minItems !== undefined && value.length < node.minItems) {
    push(ctx, { path: [...path], keyword: 'minItems', message: `${subject(path)} has ${value.length} items; at least ${node.minItems} required` });
  }
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    push(ctx, { path: [...path], keyword: 'maxItems', message: `${subject(path)} has ${value.length} items; at most ${node.maxItems} allowed` });
  }
  if (!node.items || ctx.stack.has(value)) return;
  ctx.stack.add(value);
  value.forEach((item, i) => {
    const p = [...path, i];
    if (item === null && node.items?.type !== undefined && !node.items.nullable) {
      push(ctx, { path: p, keyword: 'type', message: `${subject(p)} is empty; it must be ${EXPECTED[node.items.type] ?? node.items.type}` });
      return;
    }
    walk(node.items as SchemaNode, item, p, ctx, undefined);
  });
  ctx.stack.delete(value);
}

function checkObject(node: SchemaNode, value: Record<string, unknown>, path: Path, ctx: Ctx): void {
  if (ctx.stack.has(value)) return;
  ctx.stack.add(value);
  const props = node.properties ?? {};
  for (const r of ctx.partial ? [] : node.required ?? []) {
    if (value[r] === undefined || value[r] === null) {
      const where = path.length === 0 ? '' : `${formatPath(path)}: `;
      push(ctx, { path: [...path], keyword: 'required', message: `${where}required field '${r}' is missing; add ${formatPath([...path, r])}` });
    }
  }
  // Unknown keys are judged only where the schema lists the fields; metadata is lenient (ObjectMeta has many).
  const lenient = node['x-kubernetes-preserve-unknown-fields'] === true
    || (path.length === 1 && path[0] === 'metadata')
    || node.properties === undefined;
  let knownKeys: string[] | undefined;
  for (const [k, v] of Object.entries(value)) {
    // Past the error limit nothing more is reported: stop (a map of 90,000 unknown keys took seconds).
    if (ctx.errors.length >= ctx.max) break;
    if (path.length === 0 && k === 'status' && ctx.skipStatus) continue;
    if (Object.hasOwn(props, k)) {
      walk(props[k], v, [...path, k], ctx, undefined);
    } else if (typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties, v, [...path, k], ctx, undefined);
    } else if (node.additionalProperties === true || lenient) {
      continue;
    } else if (!k.includes('${') && k !== '<<') {
      const p = [...path, k];
      // (`<<` is a YAML merge key the parser did not resolve; its content is not ours to judge here.)
      const known = (knownKeys ??= Object.keys(props));
      const suggestion = closest(k, known.filter((c) => value[c] === undefined));
      const message = suggestion !== undefined
        ? `${formatPath(p)} is not a known field; did you mean '${suggestion}'?`
        : `${formatPath(p)} is not a known field${knownList(path, known)}`;
      push(ctx, { path: p, keyword: 'unknown-field', message, suggestion });
    }
  }
  ctx.stack.delete(value);
}

function knownList(path: Path, known: string[]): string {
  if (known.length === 0) return '';
  const shown = known.slice(0, 12).join(', ');
  return `; ${path.length === 0 ? 'top-level' : formatPath(path)} fields are: ${shown}${known.length > 12 ? ', ...' : ''}`;
}

// ---------------------------------------------------------------------------------------------------------
// Did you mean
// ---------------------------------------------------------------------------------------------------------

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > 3) return Math.abs(m - n);
  const d: number[][] = Array.from({ length: m + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= m; i++) {
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
    }
  }
  return d[m][n];
}

/**
 * The edit distance of editDistance when it is at most `limit`, else limit + 1: the rows stop as soon as every
 * entry exceeds the limit (did-you-mean lookups compare a word with hundreds of names, almost all far off).
 */
function distanceWithin(a: string, b: string, limit: number): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > limit) return limit + 1;
  let prev2 = new Int32Array(n + 1);
  let prev = new Int32Array(n + 1);
  let row = new Int32Array(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    row[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= n; j++) {
      const bj = b.charCodeAt(j - 1);
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) v = Math.min(v, prev2[j - 2]! + 1);
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Every later entry derives from this row or the one before plus at least one edit.
    if (rowMin > limit && i > 1) {
      let prevMin = prev[0]!;
      for (let j = 1; j <= n; j++) if (prev[j]! < prevMin) prevMin = prev[j]!;
      if (prevMin > limit) return limit + 1;
    }
    const t = prev2;
    prev2 = prev;
    prev = row;
    row = t;
  }
  return Math.min(prev[n]!, limit + 1);
}

/** How many edits away a did-you-mean candidate of `word` may be: 2 at most, and a third of its length. */
export function suggestionLimit(word: string): number {
  return Math.min(2, Math.max(1, Math.floor(word.toLowerCase().length / 3)));
}

/** The closest candidate (case-insensitive), within suggestionLimit edits; ties go alphabetical. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  const limit = suggestionLimit(word);
  let best: string | undefined;
  let bestD = Infinity;
  // One pass in any order: the smallest distance wins, and among equals the one first in sort order (what a
  // pass over the sorted candidates keeping the first strict improvement gives).
  for (const c of candidates) {
    if (c === word || Math.abs(c.length - w.length) > limit) continue;
    const dist = distanceWithin(w, c.toLowerCase(), limit);
    if (dist <= limit && (dist < bestD || (dist === bestD && c < best!))) {
      best = c;
      bestD = dist;
    }
  }
  return best;
}
