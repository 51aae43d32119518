/**
 * The generated schemas, judged by our validator, must agree with @kubernetes-models/flux-cd's own compiled
 * ajv validators on valid and invalid objects of every kind/version: same accept/reject, same failing paths.
 * Unknown fields are left out of the comparison (the package's validators do not reject them).
 * Needs `npm run gen:schemas` first.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SchemaRegistry, schemaAtPath } from '../../server/src/engine/schema/registry';
import { validateValue } from '../../server/src/engine/schema/validate';
import type { KindSchema, SchemaNode } from '../../server/src/engine/schema/types';
import { FLUX_KINDS } from '../../server/src/engine/kinds';
import generated from '../../server/generated/flux-schemas.json';

/** Constraints gen-schemas took from the optional supplement package: the main package's validators lack them. */
interface Supplemented { group: string; version: string; kind: string; path: Array<string | number>; keys: string[] }
const SUPPLEMENTED: Supplemented[] = (generated as unknown as { supplemented?: Supplemented[] }).supplemented ?? [];
const KEYWORD_OF: Record<string, string> = {
  'pattern violation': 'pattern', maxLength: 'maxLength', minLength: 'minLength', maxItems: 'maxItems',
};
function supplementedKeys(k: KindSchema, path: Array<string | number>): Set<string> {
  const p = JSON.stringify(path);
  return new Set(SUPPLEMENTED.filter((s) => s.group === k.group && s.version === k.version && s.kind === k.kind && JSON.stringify(s.path) === p)
    .flatMap((s) => s.keys));
}

interface AjvError { instancePath: string; keyword: string }
type AjvValidate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@kubernetes-models/flux-cd/package.json'));

async function packageValidator(k: KindSchema): Promise<AjvValidate> {
  const model = readFileSync(join(pkgDir, k.group, k.version, `${k.kind}.js`), 'utf8');
  const m = /_schemas\/([A-Za-z0-9_]+)\.js/.exec(model);
  assert.ok(m, `${k.kind} ${k.version}: no validator import in the package model`);
  const mod = (await import(pathToFileURL(join(pkgDir, '_schemas', `${m[1]}.js`)).href)) as { validate: AjvValidate };
  return mod.validate;
}

type Path = Array<string | number>;
const pointer = (p: Path): string => p.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

// Test data only (not schema content): plausible strings, the first one fitting a field's constraints is used.
const SAMPLES = [
  'podinfo', 'https://example.com/repo', 'ssh://git@example.com/repo', 'oci://ghcr.io/org/app', 'http://example.com',
  'v1.2.3', '1m', '2024-01-31T12:00:00Z', 'sha256:abcdef0123456789', 'a_b-c.d', 'x',
];

function sampleString(n: SchemaNode): string {
  if (n.format === 'date-time') return '2024-01-31T12:00:00Z';
  const fits = (s: string): boolean =>
    (n.pattern === undefined || new RegExp(n.pattern, 'u').test(s))
    && (n.minLength === undefined || s.length >= n.minLength)
    && (n.maxLength === undefined || s.length <= n.maxLength);
  const s = SAMPLES.find(fits);
  if (s === undefined) throw new Error(`no sample string fits pattern ${n.pattern}`);
  return s;
}

/** A minimal valid value: required fields only. */
function synth(n: SchemaNode): unknown {
  if (n.enum && n.enum.length > 0) return n.enum[0];
  if (n['x-kubernetes-int-or-string']) return 1;
  switch (n.type) {
    case 'string': return sampleString(n);
    case 'integer': case 'number': return Math.max(n.minimum ?? 1, 1);
    case 'boolean': return true;
    case 'array': return Array.from({ length: n.minItems ?? 0 }, () => synth(n.items ?? {}));
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const r of n.required ?? []) o[r] = synth(n.properties?.[r] ?? {});
      return o;
    }
    default: return {};
  }
}

function minimalObject(k: KindSchema): Record<string, unknown> {
  const o = synth(k.schema) as Record<string, unknown>;
  o.apiVersion = `${k.group}/${k.version}`;
  o.kind = k.kind;
  o.metadata = { name: 'demo', namespace: 'flux-system' };
  const spec = k.schema.properties?.spec;
  if (spec && o.spec === undefined) o.spec = synth(spec);
  return o;
}

/** Sets `value` at `path` in `root`, creating minimal valid parents along the way. */
function setAt(root: Record<string, unknown>, schema: SchemaNode, path: Path, value: unknown): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    const container = cur as Record<string | number, unknown>;
    if (last) {
      container[seg] = value;
      return;
    }
    if (container[seg] === undefined || container[seg] === null) {
      const childSchema = schemaAtPath(schema, path.slice(0, i + 1)) ?? {};
      container[seg] = typeof path[i + 1] === 'number' ? [] : synth(childSchema) ?? {};
      if (typeof container[seg] !== 'object') container[seg] = {};
    }
    cur = container[seg];
  }
}

interface Node { node: SchemaNode; path: Path }
function nodes(n: SchemaNode, path: Path, out: Node[], depth = 0): Node[] {
  if (depth > 12) return out;
  out.push({ node: n, path });
  for (const [k, c] of Object.entries(n.properties ?? {})) nodes(c, [...path, k], out, depth + 1);
  if (n.items) nodes(n.items, [...path, 0], out, depth + 1);
  if (typeof n.additionalProperties === 'object') nodes(n.additionalProperties, [...path, '*'], out, depth + 1);
  return out;
}

/** Invalid values for a node: [label, value]. */
function mutations(n: SchemaNode): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  if (n['x-kubernetes-preserve-unknown-fields'] && n.type === undefined) return out;
  if (n['x-kubernetes-int-or-string']) out.push(['wrong type', true]);
  else if (n.type === 'string') out.push(['wrong type', 42]);
  else if (n.type === 'boolean') out.push(['wrong type', 'maybe']);
  else if (n.type === 'integer') out.push(['wrong type', 'many'], ['fraction', 1.5]);
  else if (n.type === 'object') out.push(['wrong type', 'flat']);
  else if (n.type === 'array') out.push(['wrong type', 'single']);
  if (n.enum && n.type === 'string') out.push(['enum violation', 'NotAnAllowedValue']);
  if (n.pattern) {
    const bad = ['\u0000', 'not valid!', '-'].find((s) => !new RegExp(n.pattern as string, 'u').test(s));
    if (bad !== undefined) out.push(['pattern violation', bad]);
  }
  if (n.maxLength !== undefined) out.push(['maxLength', 'a'.repeat(n.maxLength + 1)]);
  if (n.minLength !== undefined && n.minLength > 0) out.push(['minLength', '']);
  if (n.maxItems !== undefined) out.push(['maxItems', Array.from({ length: n.maxItems + 1 }, () => synth(n.items ?? {}))]);
  return out;
}

function ours(schema: SchemaNode, obj: unknown): string[] {
  return [...new Set(validateValue(schema, obj, { skipStatus: true, maxErrors: 10_000 })
    .filter((e) => e.keyword !== 'unknown-field').map((e) => pointer(e.path)))].sort();
}
function theirs(validate: AjvValidate, obj: unknown): string[] {
  validate(obj);
  return [...new Set((validate.errors ?? []).map((e) => e.instancePath))].sort();
}

const registry = SchemaRegistry.bundled();
const kinds = registry.kinds();

describe('generated schemas agree with the package validators', () => {
  it('covers every kind/version in the package', () => {
    assert.ok(kinds.length >= 39, `only ${kinds.length} kind/versions generated`);
  });

  for (const k of kinds) {
    describe(`${k.kind} ${k.group}/${k.version}`, () => {
      it('accepts a minimal valid object, as the package does', async () => {
        const validate = await packageValidator(k);
        const obj = minimalObject(k);
        assert.deepEqual(theirs(validate, obj), [], `package rejects the synthesized object ${JSON.stringify(obj)}`);
        assert.deepEqual(ours(k.schema, obj), [], JSON.stringify(validateValue(k.schema, obj)));
      });

      it('rejects wrong types, enum and pattern violations, lengths and missing required fields at the same paths', async () => {
        const validate = await packageValidator(k);
        let compared = 0;
        const counts: Record<string, number> = {};
        for (const { node, path } of nodes(k.schema, [], [])) {
          if (path[0] !== 'spec' && path[0] !== 'metadata') continue;
          const extra = supplementedKeys(k, path);
          for (const [label, value] of mutations(node)) {
            if (extra.has(KEYWORD_OF[label] ?? '')) continue;
            const obj = minimalObject(k);
            setAt(obj, k.schema, path, value);
            const a = theirs(validate, obj);
            const b = ours(k.schema, obj);
            assert.ok(a.length > 0, `${label} at ${pointer(path)}: the package accepted ${JSON.stringify(value)}`);
            assert.deepEqual(b, a, `${label} at ${pointer(path)} (${JSON.stringify(value).slice(0, 40)})`);
            counts[label] = (counts[label] ?? 0) + 1;
            compared++;
          }
          // Missing required: remove each required field of an object node that exists in the minimal object.
          for (const r of node.type === 'object' ? node.required ?? [] : []) {
            if (path.length === 0) continue;
            const obj = minimalObject(k);
            setAt(obj, k.schema, path, synth(node));
            const parent = path.reduce<unknown>((o, s) => (o as Record<string | number, unknown>)[s], obj) as Record<string, unknown>;
            delete parent[r];
            const a = theirs(validate, obj);
            const b = ours(k.schema, obj);
            assert.deepEqual(a, [pointer(path)], `package: missing ${r} at ${pointer(path)}`);
            assert.deepEqual(b, a, `missing required ${r} at ${pointer(path)}`);
            counts.required = (counts.required ?? 0) + 1;
            compared++;
          }
        }
        assert.ok(compared > 20, `only ${compared} cases compared`);
        for (const label of ['wrong type', 'required']) assert.ok((counts[label] ?? 0) > 0, `no ${label} case for ${k.kind}`);
      });
    });
  }

  it('includes enum and pattern cases for the current kinds', () => {
    const current = FLUX_KINDS.map((f) => registry.getKind(f.group, f.current, f.kind)).filter((k): k is KindSchema => k !== undefined);
    const all = current.flatMap((k) => nodes(k.schema, [], []));
    assert.ok(all.some((n) => n.node.enum && n.path[0] === 'spec'), 'no spec enum in the current kinds');
    assert.ok(all.some((n) => n.node.pattern && n.path[0] === 'spec'), 'no spec pattern in the current kinds');
  });

  it('agrees on realistic hand-written objects', async () => {
    const cases: Array<{ doc: Record<string, unknown>; valid: boolean }> = [
      { valid: true, doc: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'podinfo', namespace: 'flux-system' },
        spec: { interval: '1m', url: 'https://github.com/stefanprodan/podinfo', ref: { branch: 'master' }, provider: 'github' } } },
      { valid: false, doc: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'podinfo' },
        spec: { interval: '1m', url: 'git@github.com:stefanprodan/podinfo', provider: 'gitlab' } } },
      { valid: true, doc: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps' },
        spec: { interval: '10m', path: './apps', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } } } },
      { valid: false, doc: { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name: 'apps' },
        spec: { interval: '10m', prune: 'yes', sourceRef: { kind: 'HelmRepository' } } } },
      { valid: true, doc: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo' },
        spec: { interval: '10m', chart: { spec: { chart: 'podinfo', version: '6.x', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } },
          values: { replicaCount: 2, nested: { anything: [1, 'two'] } } } } },
      { valid: false, doc: { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'podinfo' },
        spec: { interval: '10m', maxHistory: '5', chart: { spec: { sourceRef: { kind: 'OCIRepository', name: 'podinfo' } } } } } },
      { valid: true, doc: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { name: 'slack' },
        spec: { type: 'slack', channel: 'general', secretRef: { name: 'slack-url' } } } },
      { valid: false, doc: { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImageRepository', metadata: { name: 'app' },
        spec: { image: 'ghcr.io/org/app', interval: '5m', exclusionList: Array.from({ length: 30 }, (_, i) => `^${i}`) } } },
    ];
    for (const { doc, valid } of cases) {
      const [group, version] = String(doc.apiVersion).split('/');
      const k = registry.getKind(group, version, String(doc.kind));
      assert.ok(k, `${doc.apiVersion} ${doc.kind} missing`);
      const validate = await packageValidator(k);
      const a = theirs(validate, doc);
      const b = ours(k.schema, doc);
      assert.equal(a.length === 0, valid, `package verdict on ${doc.kind}: ${a.join(', ')}`);
      assert.deepEqual(b, a, `${doc.kind}`);
    }
  });
});
