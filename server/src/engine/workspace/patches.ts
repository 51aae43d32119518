/**
 * Kustomize patches as the fleet model needs them: which objects a patch selects (kustomize's selector
 * semantics, also used by Flux `spec.patches[].target`), and which fields it supplies to them.
 *
 * - A target's group, version and kind compare exactly; kind, name and namespace are regular expressions
 *   matched against the whole value (kustomize anchors them); labelSelector and annotationSelector use the
 *   Kubernetes selector syntax (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`).
 * - Without a target, a strategic-merge patch selects the object of its own kind and name (and namespace when
 *   it gives one).
 * - The fields a patch supplies are the leaf paths of a strategic-merge patch (and the objects above them), or
 *   the paths of JSON6902 `add`/`replace`/`copy`/`move` operations (with the leaves of the value added).
 */
import { parseAllDocuments } from 'yaml';
import { plainValue } from '../document/parse';
import type { PatchTarget } from './facts';
import { splitApiVersion } from '../kinds';
import { isRecord } from '../rules/context';

/** What a patch does, once parsed: the objects it selects and the field paths it supplies (dot paths). */
export interface ParsedPatch {
  /** The selector: the patch's `target`, or the strategic-merge patch's own identity. */
  selector: PatchTarget;
  /** Supplied field paths, e.g. `spec.interval`, `spec.install.remediation.retries` (and their parents). */
  supplies: Set<string>;
  /** The patch's plain value (strategic merge) for judging the patched value. */
  value?: Record<string, unknown>;
}

/** The identity of an object a selector is matched against. */
export interface PatchSubject {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const IDENTITY = new Set(['apiVersion', 'kind', 'metadata.name', 'metadata.namespace']);

/** Leaf paths of a value and every object path above them (identity fields left out). */
export function suppliedPaths(value: unknown, prefix: string, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k.startsWith('$')) continue; // $patch, $setElementOrder: directives, not fields
      const p = prefix === '' ? k : `${prefix}.${k}`;
      if (!IDENTITY.has(p)) out.add(p);
      suppliedPaths(v, p, out, depth + 1);
    }
  }
}

const regexCache = new Map<string, RegExp | null>();

/** kustomize's anchored pattern match; an invalid pattern compares literally. */
function matches(pattern: string | undefined, value: string | undefined): boolean {
  if (pattern === undefined || pattern === '') return true;
  if (value === undefined) return false;
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${pattern})$`);
    } catch {
      re = null;
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re ? re.test(value) : pattern === value;
}

/** A Kubernetes label/annotation selector, e.g. `app=web,tier in (a,b),!legacy`. */
export function selectorMatches(selector: string | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined || selector.trim() === '') return true;
  // Split on commas outside parentheses.
  const reqs: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { reqs.push(cur); cur = ''; } else cur += ch;
  }
  reqs.push(cur);
  for (const raw of reqs) {
    const r = raw.trim();
    if (r === '') continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(r))) {
      const has = Object.hasOwn(labels, m[1]!);
      const eq = has && labels[m[1]!] === m[3]!.trim();
      if (m[2] === '!=' ? eq : !eq) return false;
    } else if ((m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(r))) {
      const set = m[3]!.split(',').map((x) => x.trim());
      const has = Object.hasOwn(labels, m[1]!);
      const inSet = has && set.includes(labels[m[1]!]!);
      if (m[2] === 'in' ? !inSet : inSet) return false;
    } else if (r.startsWith('!')) {
      if (Object.hasOwn(labels, r.slice(1).trim())) return false;
    } else if (!Object.hasOwn(labels, r)) {
      return false;
    }
  }
  return true;
}

/** Whether a selector selects an object. */
export function selects(sel: PatchTarget, o: PatchSubject): boolean {
  if (sel.group !== undefined && sel.group !== o.group) return false;
  if (sel.version !== undefined && sel.version !== '' && sel.version !== o.version) return false;
  return matches(sel.kind, o.kind) && matches(sel.name, o.name)
    && (sel.namespace === undefined || sel.namespace === '' || matches(sel.namespace, o.namespace ?? ''))
    && selectorMatches(sel.labelSelector, o.labels) && selectorMatches(sel.annotationSelector, o.annotations);
}

/** The selector of a strategic-merge patch without a target: its own group/version/kind/name/namespace. */
export function ownSelector(value: Record<string, unknown>): PatchTarget | undefined {
  const meta = isRecord(value.metadata) ? value.metadata : {};
  if (typeof value.kind !== 'string' || typeof meta.name !== 'string') return undefined;
  const sel: PatchTarget = { kind: escapeRegex(value.kind), name: escapeRegex(meta.name) };
  if (typeof value.apiVersion === 'string') {
    const gv = splitApiVersion(value.apiVersion);
    sel.group = gv.group;
  }
  if (typeof meta.namespace === 'string') sel.namespace = escapeRegex(meta.namespace);
  return sel;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Supplied paths of JSON6902 operations. */
function json6902Supplies(ops: unknown[], out: Set<string>): void {
  for (const op of ops) {
    if (!isRecord(op) || typeof op.path !== 'string') continue;
    if (op.op !== 'add' && op.op !== 'replace' && op.op !== 'copy' && op.op !== 'move') continue;
    const segs = op.path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).filter((s) => s !== '-' && !/^\d+$/.test(s));
    for (let i = 1; i <= segs.length; i++) {
      const p = segs.slice(0, i).join('.');
      if (!IDENTITY.has(p)) out.add(p);
    }
    if (op.op !== 'copy' && op.op !== 'move') suppliedPaths(op.value, segs.join('.'), out);
  }
}

const parsedCache = new Map<string, ParsedPatch[]>();

/**
 * Parses an inline patch (strategic merge, possibly several documents, or a JSON6902 list) with the target it
 * was listed with. Cached by text and target. Never throws: a patch that does not parse selects nothing.
 */
export function parsePatchText(text: string, target: PatchTarget | undefined): ParsedPatch[] {
  const key = `${JSON.stringify(target ?? null)}\u0000${text}`;
  const hit = parsedCache.get(key);
  if (hit) return hit;
  const out: ParsedPatch[] = [];
  try {
    for (const doc of parseAllDocuments(text, { logLevel: 'silent', strict: false, uniqueKeys: false })) {
      if (doc.errors.length > 0) continue;
      const v = plainValue(doc, { maxAliasCount: 100 });
      out.push(...patchesOfValue(v, target));
    }
  } catch {
    // An unparsable patch selects nothing.
  }
  if (parsedCache.size > 2000) parsedCache.clear();
  parsedCache.set(key, out);
  return out;
}

/** The parsed form of a patch value (a strategic-merge object or a JSON6902 list) with an optional target. */
export function patchesOfValue(v: unknown, target: PatchTarget | undefined): ParsedPatch[] {
  const supplies = new Set<string>();
  if (Array.isArray(v)) {
    if (!target) return []; // a JSON6902 patch needs a target
    json6902Supplies(v, supplies);
    return [{ selector: target, supplies }];
  }
  if (!isRecord(v)) return [];
  const selector = target ?? ownSelector(v);
  if (!selector) return [];
  suppliedPaths(v, '', supplies);
  return [{ selector, supplies, value: v }];
}
