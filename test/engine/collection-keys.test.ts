/**
 * A document's plain value when a map key is a map or a list (document/parse.ts plainValue): yaml would make the
 * key a string by stringifying the collection each time the map holding it is converted, cubic in the nesting of
 * error-recovered flow maps (the fuzzer's 9 KB file held the language server for 2.9-3.9 s). The key becomes a
 * stand-in string instead, without yaml's stringifier, and the tree is left as it was.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument, YAMLMap, YAMLSeq, isCollection, isMap, isPair } from 'yaml';
import { parseFile, plainValue } from '../../server/src/engine/document';
import { PARSE_OPTIONS } from '../../server/src/engine/document/options';

/** Counts calls of the collections' toString (yaml's stringifier of a collection key) while `fn` runs. */
function stringifications(fn: () => void): number {
  let calls = 0;
  const originals = [YAMLMap.prototype.toString, YAMLSeq.prototype.toString];
  type Args = Parameters<YAMLMap['toString']>;
  YAMLMap.prototype.toString = function (this: YAMLMap, ...args: Args) { calls++; return originals[0]!.apply(this, args); };
  YAMLSeq.prototype.toString = function (this: YAMLSeq, ...args: Args) { calls++; return originals[1]!.apply(this, args); };
  try {
    fn();
  } finally {
    YAMLMap.prototype.toString = originals[0]!;
    YAMLSeq.prototype.toString = originals[1]!;
  }
  return calls;
}

/** A Flux document with a `{{` line before its block lines: yaml recovers it as flow maps nested as keys. */
function templated(lines: number): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1\n{{\nkind: Kustomization\nspec:\n${Array.from({ length: lines }, (_, i) => `  k${i}: 1`).join('\n')}\n`;
}

describe('plain values of documents with collection keys', () => {
  it('the key becomes a stand-in string; the rest of the value is yaml\'s', () => {
    const doc = parseDocument('a: 1\n? [x, y]\n: 2\n{p: q}: 3\nb: [4]\n', PARSE_OPTIONS);
    // Both collection keys map to the same stand-in: the later one wins, as for any repeated key.
    assert.deepEqual(plainValue(doc, { maxAliasCount: 100 }), { a: 1, '[collection key]': 3, b: [4] });
  });

  it('puts the keys back: the tree is as it was, key nodes included', () => {
    const doc = parseDocument('? [x, y]\n: 2\nz:\n  {p: q}: 3\n', PARSE_OPTIONS);
    const keysBefore: unknown[] = [];
    const collect = (n: unknown, out: unknown[]): void => {
      if (isMap(n)) for (const p of n.items) if (isPair(p)) { out.push(p.key); collect(p.value, out); }
    };
    collect(doc.contents, keysBefore);
    const text = doc.toString();
    plainValue(doc, { maxAliasCount: 100 });
    const keysAfter: unknown[] = [];
    collect(doc.contents, keysAfter);
    assert.equal(keysAfter.length, keysBefore.length);
    keysAfter.forEach((k, i) => assert.equal(k, keysBefore[i]));
    assert.ok(keysAfter.some((k) => isCollection(k)));
    assert.equal(doc.toString(), text);
  });

  it('an alias of an anchored collection key resolves to the stand-in', () => {
    const doc = parseDocument('? &k [x]\n: 1\nother: *k\n', PARSE_OPTIONS);
    assert.deepEqual(plainValue(doc, { maxAliasCount: 100 }), { '[collection key]': 1, other: '[collection key]' });
  });

  it('a document without collection keys gets exactly yaml\'s toJS, with or without the walk', () => {
    const doc = parseDocument('a: &x {b: 1}\nc: *x\n<<: {d: 2}\ne: [1, "2"]\n', PARSE_OPTIONS);
    const expected = doc.toJS({ maxAliasCount: 100 });
    assert.deepEqual(plainValue(doc, { maxAliasCount: 100 }), expected);
    assert.deepEqual(plainValue(doc, { maxAliasCount: 100, mayHaveCollectionKeys: false }), expected);
  });

  it('the alias limit still applies', () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${'*a, '.repeat(9)}*a]\nc: [${'*b, '.repeat(9)}*b]\n? [k]\n: 1\n`;
    const doc = parseDocument(bomb, PARSE_OPTIONS);
    assert.throws(() => plainValue(doc, { maxAliasCount: 10 }), /[Ee]xcessive alias count/);
  });

  it('a `{{` line over 1,000 block lines: the value is built, and yaml never stringifies a collection', () => {
    const file = parseFile(templated(1000));
    const doc = file.documents[0]!;
    assert.ok(doc.errors.some((e) => e.code === 'COLLECTION_KEY'), 'the recovered flow maps have collection keys');
    let value: unknown;
    // Before: yaml stringified the nested keys, 1 call per key per enclosing conversion; here it overflowed the stack
    // (value undefined) and in the bundled server it ran for seconds.
    assert.equal(stringifications(() => { value = doc.value(); }), 0);
    assert.ok(value && typeof value === 'object', `a value was built: ${String(value)}`);
    assert.equal((value as Record<string, unknown>).apiVersion, 'kustomize.toolkit.fluxcd.io/v1');
  });
});
