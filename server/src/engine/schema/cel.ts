/**
 * A generic evaluator for the `x-kubernetes-validations` CEL rules of CRDs read from a cluster or the workspace,
 * over @marcbachmann/cel-js (MIT, no dependencies, ~280 kB): a maintained CEL implementation, so no hand-written
 * parser. Like the API server, it evaluates each rule with `self` bound to the value at the rule's schema node,
 * after applying the schema's defaults. Rules it cannot judge are skipped and counted, never guessed:
 * transition rules (they read `oldSelf`, which a file does not have), rules that fail to parse or call a
 * Kubernetes-only function (`quantity()`, `url()`, ...), rules whose value is replaced later (`${var}`, SOPS),
 * and rules whose result is not a boolean.
 */
import { parse } from '@marcbachmann/cel-js';
import type { Path } from '../document';
import type { CelValidation, SchemaNode } from './types';

type Compiled = ReturnType<typeof parse>;

/** One rule that evaluated to false. */
export interface CelViolation {
  /** Path of the value the rule sits on (CEL's `self`). */
  path: Path;
  /** The rule's `fieldPath` (e.g. `.sts.provider`) resolved below `path`, when it names one. */
  fieldPath?: Path;
  rule: CelValidation;
}

/** Counts of the rules seen, by outcome; `skippedRules` names the rule texts skipped (with why). */
export interface CelStats {
  evaluated: number;
  violated: number;
  skipped: number;
  skippedRules: Map<string, string>;
}

export function newCelStats(): CelStats {
  return { evaluated: 0, violated: 0, skipped: 0, skippedRules: new Map() };
}

/** Process-wide counts (the CLI prints them; tests read them). */
export const CEL_STATS: CelStats = newCelStats();

const compiled = new Map<string, Compiled | string>();

/** The compiled rule, or why it cannot be evaluated. Cached by rule text. */
function compile(rule: string): Compiled | string {
  let c = compiled.get(rule);
  if (c !== undefined) return c;
  if (/\boldSelf\b/.test(rule)) c = 'a transition rule (reads oldSelf)';
  else {
    try {
      c = parse(rule);
    } catch (err) {
      c = `not evaluable here: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    }
  }
  if (compiled.size > 2000) compiled.clear();
  compiled.set(rule, c);
  return c;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

const opaque = (v: unknown): boolean => typeof v === 'string' && (v.includes('${') || /^ENC\[.*\]$/s.test(v));

function containsOpaque(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (opaque(v)) return true;
  if (Array.isArray(v)) return v.some((x) => containsOpaque(x, depth + 1));
  if (isRecord(v)) return Object.values(v).some((x) => containsOpaque(x, depth + 1));
  return false;
}

/** The value with the schema's defaults filled in, as the API server sees it before validation. */
export function withDefaults(schema: SchemaNode, value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (isRecord(value) && schema.properties) {
    const out: Record<string, unknown> = { ...value };
    for (const [k, s] of Object.entries(schema.properties)) {
      if (out[k] === undefined && s.default !== undefined) out[k] = s.default;
      if (out[k] !== undefined) out[k] = withDefaults(s, out[k], depth + 1);
    }
    return out;
  }
  if (Array.isArray(value) && schema.items) return value.map((x) => withDefaults(schema.items!, x, depth + 1));
  return value;
}

/** `.a.b` / `.a[0]` / `.a['k']` of a rule's fieldPath, as path segments. */
function parseFieldPath(fp: string): Path | undefined {
  const out: Array<string | number> = [];
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^']*)'\]/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(fp)) !== null) {
    out.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    at = re.lastIndex;
  }
  return at === fp.length && out.length > 0 ? out : undefined;
}

/**
 * Evaluates every CEL rule of `schema` against `value` (a whole object: apiVersion, kind, metadata, spec…).
 * `skip(path, rule)` lets the caller leave rules to a re-implemented check.
 */
export function evaluateCelRules(
  schema: SchemaNode, value: unknown, skip: (path: Path, rule: CelValidation) => boolean = () => false, stats: CelStats = CEL_STATS,
): CelViolation[] {
  const out: CelViolation[] = [];
  let budget = 20000;
  const visit = (s: SchemaNode, v: unknown, path: Path): void => {
    if (v === undefined || v === null || --budget < 0) return;
    const rules = s['x-kubernetes-validations'];
    if (rules) {
      const self = withDefaults(s, v);
      for (const r of rules) {
        if (skip(path, r)) continue;
        const c = compile(r.rule);
        if (typeof c === 'string') { stats.skipped++; stats.skippedRules.set(r.rule, c); continue; }
        if (containsOpaque(self)) { stats.skipped++; continue; }
        let result: unknown;
        try {
          result = c({ self });
        } catch (err) {
          // A missing key (no such key: x) is how CEL reports a field the rule reads without has(): the API
          // server would reject the object only if the field were required, which the schema check reports.
          stats.skipped++;
          stats.skippedRules.set(r.rule, `evaluation failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          continue;
        }
        if (typeof result !== 'boolean') { stats.skipped++; stats.skippedRules.set(r.rule, 'the result is not a boolean'); continue; }
        stats.evaluated++;
        if (!result) {
          stats.violated++;
          const fp = r.fieldPath !== undefined ? parseFieldPath(r.fieldPath) : undefined;
          out.push(fp ? { path, rule: r, fieldPath: [...path, ...fp] } : { path, rule: r });
        }
      }
    }
    if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) {
        const child = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
        if (child) visit(child, x, [...path, k]);
      }
    } else if (Array.isArray(v) && s.items) {
      v.forEach((x, i) => visit(s.items!, x, [...path, i]));
    }
  };
  visit(schema, value, []);
  return out;
}
