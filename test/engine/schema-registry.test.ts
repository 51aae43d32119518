import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareKubeVersions, kindSchemasFromCrd, schemaAtPath, SchemaRegistry } from '../../server/src/engine/schema/registry';
import { validateValue } from '../../server/src/engine/schema/validate';
import type { SchemaNode } from '../../server/src/engine/schema/types';
import { FLUX_KINDS } from '../../server/src/engine/kinds';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@kubernetes-models/flux-cd/package.json'));
const inPackage = (group: string, version: string, kind: string): boolean => existsSync(join(pkgDir, group, version, `${kind}.d.ts`));

function countDescribed(n: SchemaNode): [number, number] {
  let total = 0;
  let described = 0;
  for (const c of Object.values(n.properties ?? {})) {
    total++;
    if (c.description) described++;
    const [t, d] = countDescribed(c.items ?? c);
    if (c.items || c.properties) { total += t; described += d; }
  }
  return [total, described];
}

describe('SchemaRegistry (bundled)', () => {
  const reg = SchemaRegistry.bundled();

  it('names its source', () => {
    assert.match(reg.source, /^@kubernetes-models\/flux-cd@4\.\d+\.\d+$/);
  });

  it('has every FLUX_KINDS kind/version the package has, with descriptions', () => {
    let checked = 0;
    for (const k of FLUX_KINDS) {
      for (const { version } of k.versions) {
        if (!inPackage(k.group, version, k.kind)) {
          assert.equal(reg.get(k.group, version, k.kind), undefined);
          continue;
        }
        const s = reg.get(k.group, version, k.kind);
        assert.ok(s, `${k.kind} ${k.group}/${version} missing`);
        assert.ok(s.description && s.description.length > 10, `${k.kind} ${version}: no root description`);
        for (const p of ['apiVersion', 'kind', 'metadata', 'spec']) assert.ok(s.properties?.[p], `${k.kind} ${version}: no ${p}`);
        assert.ok(s.properties?.spec?.description, `${k.kind} ${version}: spec has no description`);
        assert.ok(s.properties?.apiVersion?.description, `${k.kind} ${version}: apiVersion has no description`);
        const [total, described] = countDescribed(s.properties?.spec ?? {});
        assert.ok(total > 3 && described / total > 0.6, `${k.kind} ${version}: ${described}/${total} spec fields described`);
        if (k.hasStatus) assert.ok(s.properties?.status, `${k.kind} ${version}: no status`);
        checked++;
      }
    }
    assert.ok(checked >= 38, `only ${checked} kind/versions checked`);
  });

  it('has exactly the kind/versions of the package (ArtifactGenerator is not in it)', () => {
    const expected: string[] = [];
    for (const g of readdirSync(pkgDir).filter((d) => d.endsWith('.fluxcd.io'))) {
      for (const v of readdirSync(join(pkgDir, g))) {
        if (!existsSync(join(pkgDir, g, v, 'index.d.ts'))) continue;
        for (const k of FLUX_KINDS) if (k.group === g && inPackage(g, v, k.kind)) expected.push(`${g}/${v}/${k.kind}`);
      }
    }
    const got = reg.kinds().map((k) => `${k.group}/${k.version}/${k.kind}`);
    assert.deepEqual([...got].sort(), [...expected].sort());
    assert.equal(reg.versions('source.extensions.fluxcd.io', 'ArtifactGenerator').length, 0);
  });

  it('supplemented constraints (if a supplement was installed) are present where listed', () => {
    const list = SchemaRegistry.supplemented();
    assert.equal(list.length > 0, reg.supplement !== undefined);
    for (const s of list) {
      const root = reg.get(s.group, s.version, s.kind);
      assert.ok(root, `${s.kind} ${s.version}`);
      const node = schemaAtPath(root, s.path.map((p) => (p === '*' ? 'any-key' : p)));
      assert.ok(node, `${s.kind} ${s.version} ${s.path.join('.')}`);
      for (const key of s.keys) assert.ok(key in node, `${s.kind} ${s.version} ${s.path.join('.')}: no ${key}`);
    }
  });

  it('lists versions by Kubernetes priority', () => {
    assert.deepEqual(reg.versions('source.toolkit.fluxcd.io', 'GitRepository'), ['v1', 'v1beta2', 'v1beta1']);
    assert.deepEqual(reg.versions('helm.toolkit.fluxcd.io', 'HelmRelease'), ['v2', 'v2beta2', 'v2beta1']);
    assert.deepEqual(reg.versions('notification.toolkit.fluxcd.io', 'Provider'), ['v1beta3', 'v1beta2', 'v1beta1']);
    assert.ok(compareKubeVersions('v1', 'v1alpha1') < 0);
    assert.ok(compareKubeVersions('v2beta1', 'v2beta2') > 0);
  });

  it('carries enums, maps, free-form values and required lists from the package', () => {
    const ks = reg.get('kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization');
    assert.ok(ks);
    assert.deepEqual(schemaAtPath(ks, ['spec', 'sourceRef', 'kind'])?.enum, ['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact']);
    assert.deepEqual(schemaAtPath(ks, ['spec'])?.required?.sort(), ['interval', 'prune', 'sourceRef']);
    assert.equal(schemaAtPath(ks, ['metadata', 'labels', 'app'])?.type, 'string');
    const hr = reg.get('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease');
    assert.ok(hr);
    assert.equal(schemaAtPath(hr, ['spec', 'values'])?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(schemaAtPath(hr, ['spec', 'maxHistory'])?.type, 'integer');
    assert.equal(schemaAtPath(hr, ['spec', 'valuesFrom', 0, 'kind'])?.type, 'string');
    const img = reg.get('image.toolkit.fluxcd.io', 'v1', 'ImageRepository');
    assert.ok(img);
    assert.equal(schemaAtPath(img, ['spec', 'exclusionList'])?.maxItems, 25);
  });
});

describe('schemaAtPath', () => {
  const root: SchemaNode = {
    type: 'object',
    properties: {
      list: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      map: { type: 'object', additionalProperties: { type: 'integer' } },
      free: { type: 'object', additionalProperties: true },
    },
  };
  it('walks properties, items and additionalProperties', () => {
    assert.equal(schemaAtPath(root, ['list', 3, 'name'])?.type, 'string');
    assert.equal(schemaAtPath(root, ['map', 'anything'])?.type, 'integer');
    assert.equal(schemaAtPath(root, ['free', 'x'])?.['x-kubernetes-preserve-unknown-fields'], true);
    assert.equal(schemaAtPath(root, []), root);
  });
  it('returns undefined off the schema', () => {
    assert.equal(schemaAtPath(root, ['nope']), undefined);
    assert.equal(schemaAtPath(root, ['list', 0, 'name', 'deeper']), undefined);
    assert.equal(schemaAtPath(root, ['toString']), undefined);
  });
});

/** A trimmed CRD in the shape a cluster returns. */
function gitRepositoryCrd(): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gitrepositories.source.toolkit.fluxcd.io', labels: { 'app.kubernetes.io/version': 'v2.8.0' } },
    spec: {
      group: 'source.toolkit.fluxcd.io',
      names: { kind: 'GitRepository', plural: 'gitrepositories' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1', served: true, storage: true,
          schema: { openAPIV3Schema: {
            type: 'object',
            description: 'GitRepository from the cluster.',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['interval', 'url'],
                'x-kubernetes-validations': [{ rule: 'self.x == 1', message: 'x must be 1' }, { message: 'a rule without rule text is dropped' }],
                properties: {
                  interval: { type: 'string', description: 'Interval at which to check.', pattern: '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$' },
                  url: { type: 'string', pattern: '^(http|https|ssh)://.*$' },
                  newField: { type: 'boolean', default: false },
                  maxSurge: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
                },
              },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          } },
        },
        { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
        { name: 'v1beta2', served: true, storage: false },
      ],
    },
  };
}

describe('kindSchemasFromCrd and overrides', () => {
  it('converts served versions with schemas, keeping the supported subset', () => {
    const ks = kindSchemasFromCrd(gitRepositoryCrd());
    assert.deepEqual(ks.map((k) => `${k.group}/${k.version}/${k.kind}`), ['source.toolkit.fluxcd.io/v1/GitRepository']);
    const spec = ks[0].schema.properties?.spec;
    assert.ok(spec);
    assert.equal(spec.properties?.interval.pattern, '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$');
    assert.equal(spec.properties?.newField.default, false);
    assert.equal(spec.properties?.maxSurge['x-kubernetes-int-or-string'], true);
    // CEL rules are kept (the generic evaluator runs them for cluster and workspace schemas); malformed entries are dropped.
    assert.deepEqual(spec['x-kubernetes-validations'], [{ rule: 'self.x == 1', message: 'x must be 1' }]);
    assert.ok(!('anyOf' in (spec.properties?.maxSurge ?? {})));
  });

  it('returns nothing for things that are not CRDs', () => {
    for (const bad of [null, 42, 'crd', [], {}, { spec: {} }, { spec: { group: 'g', names: {}, versions: [] } }, { spec: { group: 'g', names: { kind: 'K' }, versions: 'v1' } }]) {
      assert.deepEqual(kindSchemasFromCrd(bad), []);
    }
  });

  it('a CRD override replaces the bundled schema until cleared', () => {
    const reg = SchemaRegistry.bundled();
    const bundled = reg.get('source.toolkit.fluxcd.io', 'v1', 'GitRepository');
    assert.ok(bundled);
    assert.equal(reg.origin('source.toolkit.fluxcd.io', 'v1', 'GitRepository'), 'bundled');
    const obj = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'a', labels: { x: 'y' } },
      spec: { interval: '5 minutes', url: 'https://x', newField: true } };
    assert.ok(validateValue(bundled, obj).some((e) => e.keyword === 'unknown-field' && e.path.join('.') === 'spec.newField'));

    for (const k of kindSchemasFromCrd(gitRepositoryCrd())) reg.override(k);
    const live = reg.get('source.toolkit.fluxcd.io', 'v1', 'GitRepository');
    assert.ok(live);
    assert.notEqual(live, bundled);
    assert.equal(live.description, 'GitRepository from the cluster.');
    assert.equal(reg.origin('source.toolkit.fluxcd.io', 'v1', 'GitRepository'), 'cluster');
    assert.ok(reg.kinds().some((k) => k.schema === live));
    assert.equal(reg.kinds().filter((k) => k.kind === 'GitRepository' && k.version === 'v1').length, 1);
    // The bare CRD metadata is completed with the bundled ObjectMeta.
    assert.ok(schemaAtPath(live, ['metadata', 'labels']));
    const errs = validateValue(live, obj);
    assert.deepEqual(errs.map((e) => [e.keyword, e.path.join('.')]), [['pattern', 'spec.interval']]);
    assert.match(errs[0].message, /not a valid Go duration/);
    // Other kinds and versions still come from the bundle.
    assert.equal(reg.origin('source.toolkit.fluxcd.io', 'v1beta2', 'GitRepository'), 'bundled');

    reg.clearOverrides();
    assert.equal(reg.get('source.toolkit.fluxcd.io', 'v1', 'GitRepository'), bundled);
    // Registries do not share overrides.
    assert.equal(SchemaRegistry.bundled().origin('source.toolkit.fluxcd.io', 'v1', 'GitRepository'), 'bundled');
  });

  it('an override can add a kind the bundle lacks', () => {
    const reg = SchemaRegistry.bundled();
    reg.override({ group: 'source.extensions.fluxcd.io', version: 'v1beta1', kind: 'ArtifactGenerator', schema: { type: 'object', properties: { spec: { type: 'object' } } } });
    assert.deepEqual(reg.versions('source.extensions.fluxcd.io', 'ArtifactGenerator'), ['v1beta1']);
  });
});
