import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isSopsEncrypted, listRecipients, parseEncryptedValue, readSopsMetadata, sopsFormatForPath, sopsLeaves, unflattenSopsKeys,
} from '../../../server/src/engine/sops';
import { makeSopsFile, newAgeKey, newPgpKey, secretDoc } from '../../fixture/sops-files';

test('sopsFormatForPath picks the format by extension', () => {
  assert.equal(sopsFormatForPath('a/secret.enc.yaml'), 'yaml');
  assert.equal(sopsFormatForPath('a/b.YML'), 'yaml');
  assert.equal(sopsFormatForPath('x.json'), 'json');
  assert.equal(sopsFormatForPath('app.env'), 'dotenv');
  assert.equal(sopsFormatForPath('conf.ini'), 'ini');
  assert.equal(sopsFormatForPath('README.md'), undefined);
  assert.equal(sopsFormatForPath('Makefile'), undefined);
});

test('isSopsEncrypted uses the kustomize-controller markers per format', () => {
  assert.equal(isSopsEncrypted('a: 1\nsops:\n    mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n', 'yaml'), true);
  assert.equal(isSopsEncrypted('a: 1\nmac: ENC[ but no sops block\n', 'yaml'), false);
  assert.equal(isSopsEncrypted('apiVersion: v1\nkind: Secret\nstringData:\n  a: b\n', 'yaml'), false);
  assert.equal(isSopsEncrypted('{"a":1,"sops":{"mac": "ENC[AES256_GCM,data:x]"}}', 'json'), true);
  assert.equal(isSopsEncrypted('{"mac": "plain"}', 'json'), false);
  assert.equal(isSopsEncrypted('A=ENC[x]\nsops_mac=ENC[AES256_GCM,data:x]\n', 'dotenv'), true);
  assert.equal(isSopsEncrypted('A=b\n', 'dotenv'), false);
  assert.equal(isSopsEncrypted('[app]\na = b\n[sops]\nmac = ENC[x]\n', 'ini'), true);
  assert.equal(isSopsEncrypted('[app]\na = b\n', 'ini'), false);
});

test('readSopsMetadata reads age, pgp and kms recipients, mac and regex from a YAML file', async () => {
  const age = await newAgeKey();
  const pgp = await newPgpKey();
  const text = await makeSopsFile(secretDoc('db', 'apps', { password: 'hunter2' }), {
    age: [age.recipient], pgp: [pgp.publicKey], kms: ['arn:aws:kms:eu-west-1:111122223333:key/abcd'], encryptedRegex: '^(data|stringData)$',
  });
  assert.equal(isSopsEncrypted(text, 'yaml'), true);
  const meta = readSopsMetadata(text, 'yaml');
  assert.ok(meta);
  assert.deepEqual(meta.recipients.age, [age.recipient]);
  assert.deepEqual(meta.recipients.pgp, [pgp.fingerprint]);
  assert.deepEqual(meta.recipients.kms, ['arn:aws:kms:eu-west-1:111122223333:key/abcd']);
  assert.equal(meta.encryptedRegex, '^(data|stringData)$');
  assert.match(meta.mac ?? '', /^ENC\[AES256_GCM,/);
  assert.equal(meta.keyGroups, 1);
  assert.equal(meta.keys.find((k) => k.type === 'age')?.enc?.startsWith('-----BEGIN AGE ENCRYPTED FILE-----'), true);
  assert.equal(text.split('\n')[meta.line], 'sops:');
  assert.deepEqual(listRecipients(meta.recipients).map((r) => r.split(':')[0]), ['age', 'pgp', 'kms']);
});

test('readSopsMetadata reads JSON and dotenv files the same way', async () => {
  const age = await newAgeKey();
  const json = await makeSopsFile({ token: 'abc' }, { format: 'json', age: [age.recipient] });
  assert.equal(isSopsEncrypted(json, 'json'), true);
  assert.deepEqual(readSopsMetadata(json, 'json')?.recipients.age, [age.recipient]);
  const env = await makeSopsFile({ TOKEN: 'abc', USER: 'me' }, { format: 'dotenv', age: [age.recipient] });
  assert.equal(isSopsEncrypted(env, 'dotenv'), true);
  const meta = readSopsMetadata(env, 'dotenv');
  assert.deepEqual(meta?.recipients.age, [age.recipient]);
  assert.match(meta?.keys[0].enc ?? '', /^-----BEGIN AGE ENCRYPTED FILE-----\n/);
  assert.deepEqual(sopsLeaves(env, 'dotenv').map((l) => l.path[0]), ['TOKEN', 'USER']);
});

test('readSopsMetadata reads an INI [sops] section and key groups', () => {
  const ini = '[app]\nuser = ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\n[sops]\nage__list_0__map_recipient = age1abc\nage__list_0__map_enc = x\nmac = ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\nlastmodified = 2026-01-01T00:00:00Z\n';
  const meta = readSopsMetadata(ini, 'ini');
  assert.deepEqual(meta?.recipients.age, ['age1abc']);
  assert.equal(meta?.line, 2);
  assert.deepEqual(sopsLeaves(ini, 'ini'), [{ path: ['app', 'user'], value: 'ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]' }]);
  const groups = 'a: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\nsops:\n  key_groups:\n    - age:\n        - recipient: age1one\n          enc: x\n    - pgp:\n        - fp: "ab cd"\n          enc: y\n      gcp_kms:\n        - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k\n  shamir_threshold: 2\n  mac: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\n';
  const g = readSopsMetadata(groups, 'yaml');
  assert.equal(g?.keyGroups, 2);
  assert.equal(g?.shamirThreshold, 2);
  assert.deepEqual(g?.recipients.pgp, ['ABCD']);
  assert.deepEqual(g?.keys.map((k) => [k.type, k.group]), [['age', 0], ['pgp', 1], ['gcp_kms', 1]]);
});

test('readSopsMetadata builds Azure and Vault key ids and ignores files without a MAC', () => {
  const text = 'a: b\nsops:\n  azure_kv:\n    - vault_url: https://v.vault.azure.net\n      name: sops\n      version: "1"\n  hc_vault:\n    - vault_address: https://vault:8200\n      engine_path: transit\n      key_name: k\n  mac: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AA==,type:str]\n';
  const meta = readSopsMetadata(text, 'yaml');
  assert.deepEqual(meta?.recipients.azure_kv, ['https://v.vault.azure.net/keys/sops/1']);
  assert.deepEqual(meta?.recipients.hc_vault, ['https://vault:8200/v1/transit/keys/k']);
  assert.equal(readSopsMetadata('a: b\nsops:\n  age: []\n', 'yaml'), undefined);
  assert.equal(readSopsMetadata('{{ broken', 'yaml'), undefined);
  assert.equal(readSopsMetadata('\u0000\u0001binary', 'json'), undefined);
});

test('unflattenSopsKeys rebuilds lists and maps', () => {
  const r = unflattenSopsKeys(new Map([['age__list_0__map_recipient', 'a'], ['age__list_1__map_recipient', 'b'], ['mac', 'm']]));
  assert.deepEqual(r, { age: [{ recipient: 'a' }, { recipient: 'b' }], mac: 'm' });
});

test('sopsLeaves walks documents in order without the sops key; parseEncryptedValue splits ENC values', async () => {
  const text = await makeSopsFile({ a: { b: 1, c: [true, 'x'] }, d: null, e: 'y' }, { age: [(await newAgeKey()).recipient] });
  const leaves = sopsLeaves(text, 'yaml');
  assert.deepEqual(leaves.map((l) => l.path.join('.')), ['a.b', 'a.c', 'a.c', 'e']);
  const v = parseEncryptedValue(String(leaves[0].value));
  assert.equal(v?.type, 'int');
  assert.equal(Buffer.from(v!.iv, 'base64').length, 32);
  assert.equal(parseEncryptedValue('plain'), undefined);
});
