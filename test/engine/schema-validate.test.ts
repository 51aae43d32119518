import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { closest, editDistance, formatPath, validateValue, type SchemaError } from '../../server/src/engine/schema/validate';
import { SchemaRegistry } from '../../server/src/engine/schema/registry';
import type { SchemaNode } from '../../server/src/engine/schema/types';

const DURATION = '^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$';

/** A hand-written schema in CRD shape, exercising every keyword. */
const SCHEMA: SchemaNode = {
  type: 'object',
  required: ['apiVersion', 'kind'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 253 }, labels: { type: 'object', additionalProperties: { type: 'string' } } } },
    spec: {
      type: 'object',
      required: ['interval', 'url'],
      properties: {
        interval: { type: 'string', pattern: DURATION },
        url: { type: 'string', pattern: '^(http|https|ssh)://.*$' },
        provider: { type: 'string', enum: ['generic', 'azure', 'github'] },
        name: { type: 'string', minLength: 1, maxLength: 5 },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number' },
        suspend: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 2 },
        when: { type: 'string', format: 'date-time' },
        port: { 'x-kubernetes-int-or-string': true },
        nullableRef: { type: 'object', nullable: true, properties: { name: { type: 'string' } } },
        values: { 'x-kubernetes-preserve-unknown-fields': true },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'integer' } } },
        env: { type: 'object', additionalProperties: { type: 'integer' } },
        anything: { type: 'object', additionalProperties: true },
        ref: { type: 'object', properties: { branch: { type: 'string' }, tag: { type: 'string' } } },
      },
    },
    status: { type: 'object', properties: { observedGeneration: { type: 'integer' } } },
  },
};

function doc(spec: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 'x' }, spec: { interval: '1m', url: 'https://x', ...spec }, ...extra };
}
const run = (spec: Record<string, unknown>, extra?: Record<string, unknown>): SchemaError[] => validateValue(SCHEMA, doc(spec, extra));
const only = (errs: SchemaError[], keyword: SchemaError['keyword']): SchemaError[] => errs.filter((e) => e.keyword === keyword);

describe('validateValue keywords', () => {
  it('accepts a valid object', () => {
    assert.deepEqual(run({
      provider: 'github', name: 'abc', replicas: 3, ratio: 0.5, suspend: false, tags: ['a'], when: '2024-01-31T12:00:00Z',
      port: 8080, nullableRef: null, values: { any: [1, { x: null }] }, extra: { known: 1, unknown: true },
      env: { A: 1 }, anything: { a: { b: 1 } }, ref: { branch: 'main' },
    }), []);
  });

  it('type: flags a wrong type with a fix, accepts the right one', () => {
    const errs = run({ suspend: 'yes', replicas: '3', tags: 'a', ref: 'main', name: 12 });
    assert.equal(only(errs, 'type').length, 5, JSON.stringify(errs));
    const suspend = errs.find((e) => e.path.join('.') === 'spec.suspend');
    assert.ok(suspend);
    assert.match(suspend.message, /^spec\.suspend must be a boolean, not a string 'yes'; write true/);
    assert.match(errs.find((e) => e.path.join('.') === 'spec.replicas')?.message ?? '', /remove the quotes/);
    assert.match(errs.find((e) => e.path.join('.') === 'spec.name')?.message ?? '', /quote the value/);
    assert.deepEqual(only(run({ suspend: true, replicas: 3 }), 'type'), []);
  });

  it('type: integer rejects fractions, number accepts them', () => {
    assert.deepEqual(only(run({ replicas: 2.5 }), 'type').map((e) => e.path), [['spec', 'replicas']]);
    assert.deepEqual(run({ ratio: 2.5 }), []);
  });

  it('enum: lists the allowed values and suggests a close one', () => {
    const [e] = run({ provider: 'GitHub' });
    assert.equal(e.keyword, 'enum');
    assert.deepEqual(e.path, ['spec', 'provider']);
    assert.match(e.message, /spec\.provider 'GitHub' is not allowed; use one of: generic, azure, github/);
    assert.equal(e.suggestion, 'github');
    assert.equal(run({ provider: 'bitbucket' })[0].suggestion, undefined);
    assert.deepEqual(run({ provider: 'azure' }), []);
  });

  it('pattern: says what a Go duration looks like when the pattern is the duration pattern', () => {
    const [e] = run({ interval: '5 minutes' });
    assert.equal(e.keyword, 'pattern');
    assert.equal(e.message, "spec.interval '5 minutes' is not a valid Go duration (expected e.g. 1m, 30s, 1h30m)");
    assert.deepEqual(run({ interval: '1h30m' }), []);
    const [u] = run({ url: 'git@github.com:org/repo' });
    assert.match(u.message, /spec\.url 'git@github\.com:org\/repo' does not match the pattern \^\(http\|https\|ssh\)/);
  });

  it('pattern messages mask URL credentials', () => {
    const [u] = run({ url: 'ftp://user:s3cret@example.com/repo' });
    assert.ok(!u.message.includes('s3cret'), u.message);
    assert.match(u.message, /\*\*\*@example\.com/);
  });

  it('required: names the missing field, path is the parent', () => {
    const errs = validateValue(SCHEMA, { apiVersion: 'example.io/v1', kind: 'Thing', spec: { url: 'https://x' } });
    assert.deepEqual(errs.map((e) => [e.keyword, e.path]), [['required', ['spec']]]);
    assert.equal(errs[0].message, "spec: required field 'interval' is missing; add spec.interval");
    const nullRequired = validateValue(SCHEMA, doc({ interval: null }));
    assert.deepEqual(nullRequired.map((e) => e.keyword), ['required']);
    const top = validateValue(SCHEMA, { kind: 'Thing' });
    assert.deepEqual(top.map((e) => [e.keyword, e.path]), [['required', []]]);
    assert.match(top[0].message, /^required field 'apiVersion' is missing/);
  });

  it('minLength / maxLength', () => {
    assert.match(only(run({ name: '' }), 'minLength')[0].message, /spec\.name must not be empty/);
    assert.match(only(run({ name: 'abcdef' }), 'maxLength')[0].message, /too long \(6 characters, at most 5\)/);
    assert.deepEqual(run({ name: 'abcde' }), []);
  });

  it('minimum / maximum', () => {
    assert.deepEqual(only(run({ replicas: 0 }), 'minimum').map((e) => e.path), [['spec', 'replicas']]);
    assert.deepEqual(only(run({ replicas: 11 }), 'maximum').map((e) => e.path), [['spec', 'replicas']]);
    assert.deepEqual(run({ replicas: 10 }), []);
  });

  it('minItems / maxItems', () => {
    assert.equal(only(run({ tags: [] }), 'minItems').length, 1);
    assert.match(only(run({ tags: ['a', 'b', 'c'] }), 'maxItems')[0].message, /has 3 items; at most 2 allowed/);
    assert.deepEqual(run({ tags: ['a', 'b'] }), []);
  });

  it('format: date-time', () => {
    assert.equal(only(run({ when: 'yesterday' }), 'format').length, 1);
    assert.deepEqual(run({ when: '2024-01-31T12:00:00.5+02:00' }), []);
  });

  it('unknown-field: did you mean, path of the key', () => {
    const errs = validateValue(SCHEMA, { apiVersion: 'example.io/v1', kind: 'Thing', spec: { intervall: '5m', url: 'https://x' } });
    const unknown = only(errs, 'unknown-field');
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0].path, ['spec', 'intervall']);
    assert.equal(unknown[0].suggestion, 'interval');
    assert.match(unknown[0].message, /spec\.intervall is not a known field; did you mean 'interval'\?/);
    const far = only(run({ colour: 'red' }), 'unknown-field')[0];
    assert.equal(far.suggestion, undefined);
    assert.match(far.message, /spec fields are: interval, url/);
    assert.equal(only(run({ Suspend: true }), 'unknown-field')[0].suggestion, 'suspend');
    assert.equal(only(run({ ref: { brnach: 'x' } }), 'unknown-field')[0].suggestion, 'branch');
    assert.deepEqual(only(run({ '<<': { a: 1 }, '${KEY}': 1 }), 'unknown-field'), []);
  });

  it('unknown-field: lenient in metadata, maps, preserve-unknown-fields and free-form values', () => {
    assert.deepEqual(run({ values: { a: 1 }, extra: { other: 'x' }, anything: { z: 1 } }, { metadata: { name: 'x', uid: 'u', whatever: 1 } }), []);
    // Known fields inside a preserve-unknown-fields object are still checked.
    assert.deepEqual(only(run({ extra: { known: 'one' } }), 'type').map((e) => e.path), [['spec', 'extra', 'known']]);
    // Map values are checked against additionalProperties.
    assert.deepEqual(run({ env: { A: 'x' } }).map((e) => e.path), [['spec', 'env', 'A']]);
    // Metadata known fields are still validated.
    assert.equal(validateValue(SCHEMA, doc({}, { metadata: { name: 'x'.repeat(300) } }))[0].keyword, 'maxLength');
  });

  it('int-or-string and nullable', () => {
    assert.deepEqual(run({ port: 'http' }), []);
    assert.deepEqual(run({ port: 80 }), []);
    assert.deepEqual(only(run({ port: true }), 'type').map((e) => e.path), [['spec', 'port']]);
    assert.deepEqual(run({ nullableRef: null, ref: null }), []);
  });

  it('partial values (kustomize patches) skip required but keep other checks', () => {
    const patch = { apiVersion: 'example.io/v1', kind: 'Thing', metadata: { name: 'x' }, spec: { suspend: 'yes', intervall: '1m' } };
    assert.deepEqual(validateValue(SCHEMA, patch, { partial: true }).map((e) => e.keyword), ['type', 'unknown-field']);
    assert.deepEqual(validateValue(SCHEMA, patch).map((e) => e.keyword).sort(), ['required', 'required', 'type', 'unknown-field']);
  });

  it('skips status unless asked', () => {
    const d = doc({}, { status: { observedGeneration: 'x' } });
    assert.deepEqual(validateValue(SCHEMA, d), []);
    assert.equal(validateValue(SCHEMA, d, { skipStatus: false }).length, 1);
  });

  it('survives cyclic values (recursive YAML aliases)', () => {
    const tags: unknown[] = ['a'];
    tags.push(tags);
    const errs = run({ tags });
    assert.deepEqual(errs.map((e) => [e.keyword, e.path]), [['type', ['spec', 'tags', 1]]]);
    const loop: Record<string, unknown> = { known: 1 };
    loop.self = loop;
    assert.deepEqual(run({ extra: loop }), []);
  });
});

describe('post-build substitution and SOPS', () => {
  it('skips values containing ${...} without a default', () => {
    assert.deepEqual(run({ interval: '${SYNC_INTERVAL}', replicas: '${REPLICAS}', suspend: '${SUSPEND}', provider: '${PROVIDER}' }), []);
    assert.deepEqual(run({ url: 'https://${HOST}/repo', name: 'prefix-${CLUSTER}-suffix' }), []);
  });

  it('judges the default of ${VAR:=default}, ${VAR:-default} and ${VAR=default}', () => {
    assert.deepEqual(run({ interval: '${SYNC_INTERVAL:=1h}' }), []);
    const [e] = run({ interval: '${SYNC_INTERVAL:=5 minutes}' });
    assert.equal(e.keyword, 'pattern');
    assert.match(e.message, /'5 minutes' \(the default of \$\{SYNC_INTERVAL\}\) is not a valid Go duration/);
    assert.equal(run({ provider: '${P:-gitlab}' })[0].keyword, 'enum');
    assert.equal(run({ provider: '${P=gitlab}' })[0].keyword, 'enum');
    // Defaults are coerced as YAML reads plain scalars.
    assert.deepEqual(run({ replicas: '${REPLICAS:=3}', suspend: '${SUSPEND:=false}' }), []);
    assert.deepEqual(run({ replicas: '${REPLICAS:=30}' }).map((e) => e.keyword), ['maximum']);
    assert.deepEqual(run({ suspend: '${SUSPEND:=maybe}' }).map((e) => e.keyword), ['type']);
  });

  it('parses `replicas: ${REPLICAS}` from YAML as a string and does not flag it', () => {
    const value = parse('apiVersion: example.io/v1\nkind: Thing\nspec:\n  interval: ${INTERVAL:=10m}\n  url: https://x\n  replicas: ${REPLICAS}\n') as unknown;
    assert.deepEqual(validateValue(SCHEMA, value), []);
  });

  it('never flags SOPS-encrypted values', () => {
    const enc = 'ENC[AES256_GCM,data:Zm9v,iv:YWJj,tag:ZGVm,type:str]';
    assert.deepEqual(run({ interval: enc, url: enc, provider: enc, replicas: enc, suspend: enc }), []);
  });
});

describe('bundled schemas through the validator', () => {
  const registry = SchemaRegistry.bundled();
  const git = registry.get('source.toolkit.fluxcd.io', 'v1', 'GitRepository');

  it('suggests interval for intervall in a GitRepository', () => {
    assert.ok(git);
    const errs = validateValue(git, parse(`apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: podinfo, namespace: flux-system}
spec:
  intervall: 5m
  url: https://github.com/stefanprodan/podinfo
`));
    assert.deepEqual(errs.map((e) => [e.keyword, e.path.join('.'), e.suggestion]), [
      ['required', 'spec', undefined],
      ['unknown-field', 'spec.intervall', 'interval'],
    ]);
  });

  it('flags a HelmRelease values typo nowhere (values are free-form) but a spec typo yes', () => {
    const hr = registry.get('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease');
    assert.ok(hr);
    const errs = validateValue(hr, {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'a' },
      spec: { interval: '1m', chartRef: { kind: 'OCIRepository', name: 'a' }, values: { replicaCont: 1 }, valuesFrm: [] },
    });
    assert.deepEqual(errs.map((e) => [e.keyword, e.path.join('.'), e.suggestion]), [['unknown-field', 'spec.valuesFrm', 'valuesFrom']]);
  });
});

describe('helpers', () => {
  it('formatPath', () => {
    assert.equal(formatPath(['spec', 'include', 0, 'repository']), 'spec.include[0].repository');
    assert.equal(formatPath(['metadata', 'annotations', 'fluxcd.io/x']), 'metadata.annotations["fluxcd.io/x"]');
    assert.equal(formatPath([]), '');
  });
  it('editDistance counts transpositions as one edit', () => {
    assert.equal(editDistance('brnach', 'branch'), 1);
    assert.equal(editDistance('intervall', 'interval'), 1);
    assert.equal(editDistance('abc', 'xyz'), 3);
  });
  it('closest ignores far candidates and short words with two edits', () => {
    assert.equal(closest('intervall', ['interval', 'url']), 'interval');
    assert.equal(closest('ur', ['id']), undefined);
    assert.equal(closest('tmeout', ['timeout', 'interval']), 'timeout');
  });
});
