import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareWithRule, matchCreationRule, parseSopsConfig, readSopsMetadata, toJsRegExp } from '../../../server/src/engine/sops';
import { makeSopsFile, newAgeKey, secretDoc } from '../../fixture/sops-files';

const CONFIG = `creation_rules:
  - path_regex: clusters/staging/.*\\.yaml$
    encrypted_regex: ^(data|stringData)$
    age: >-
      age1aaaa,
      age1bbbb
  - path_regex: (?i)\\.ENV$
    pgp: "ab12 cd34,EF56"
  - age:
      - age1cccc
`;

test('parseSopsConfig reads rules with comma-separated and list recipients', () => {
  const c = parseSopsConfig(CONFIG);
  assert.deepEqual(c.errors, []);
  assert.equal(c.rules.length, 3);
  assert.deepEqual(c.rules[0].recipients.age, ['age1aaaa', 'age1bbbb']);
  assert.equal(c.rules[0].encryptedRegex, '^(data|stringData)$');
  assert.equal(c.rules[0].line, 1);
  assert.deepEqual(c.rules[1].recipients.pgp, ['AB12CD34', 'EF56']);
  assert.deepEqual(c.rules[2].recipients.age, ['age1cccc']);
  assert.equal(c.rules[2].line, 8);
});

test('matchCreationRule: first matching path_regex, unanchored, Go inline flags; a rule without path_regex matches all', () => {
  const c = parseSopsConfig(CONFIG);
  assert.equal(matchCreationRule(c, 'clusters/staging/db.yaml')?.index, 0);
  assert.equal(matchCreationRule(c, 'x/clusters/staging/db.yaml')?.index, 0);
  assert.equal(matchCreationRule(c, 'apps/app.env')?.index, 1);
  assert.equal(matchCreationRule(c, 'clusters/prod/db.yaml')?.index, 2);
  const only = parseSopsConfig('creation_rules:\n  - path_regex: ^a/\n    age: age1x\n');
  assert.equal(matchCreationRule(only, 'b/c.yaml'), undefined);
  assert.equal(toJsRegExp('(?i)abc')?.flags, 'i');
  assert.equal(toJsRegExp('(unclosed'), undefined);
});

test('parseSopsConfig reports broken files and bad regexes, never throws', () => {
  assert.match(parseSopsConfig('creation_rules: [\n').errors[0], /^\.sops\.yaml: /);
  assert.deepEqual(parseSopsConfig('creation_rules: 3').errors, ['.sops.yaml: creation_rules is not a list']);
  const bad = parseSopsConfig('creation_rules:\n  - path_regex: "(x"\n    age: age1x\n');
  assert.match(bad.errors[0], /creation_rules\[0\]\.path_regex '\(x' is not a valid regular expression/);
  assert.deepEqual(parseSopsConfig('').rules, []);
});

test('compareWithRule finds missing and extra recipients and an encrypted_regex mismatch', async () => {
  const a = await newAgeKey();
  const b = await newAgeKey();
  const text = await makeSopsFile(secretDoc('s', 'apps', { k: 'v' }), { age: [a.recipient], encryptedRegex: '^(data|stringData)$' });
  const meta = readSopsMetadata(text, 'yaml')!;
  const same = parseSopsConfig(`creation_rules:\n  - encrypted_regex: ^(data|stringData)$\n    age: ${a.recipient}\n`);
  assert.deepEqual(compareWithRule(meta, same.rules[0]), []);
  const other = parseSopsConfig(`creation_rules:\n  - path_regex: .*\n    age: ${b.recipient}\n`);
  const diffs = compareWithRule(meta, other.rules[0]);
  assert.deepEqual(diffs.map((d) => d.kind).sort(), ['encrypted-regex', 'recipient-extra', 'recipient-missing']);
  const missing = diffs.find((d) => d.kind === 'recipient-missing')!;
  assert.equal(missing.subject, `age:${b.recipient}`);
  assert.match(missing.message, /creation_rules\[0\] \(path_regex '\.\*'\) lists age recipient .* 'sops updatekeys'/);
});
