/**
 * syntaxes/flux.injection.tmLanguage.json: the TextMate injection grammar for Flux post-build substitutions
 * and SOPS values in YAML. vscode-textmate/vscode-oniguruma are not dependencies of the project, so the
 * grammar's regexes are compiled as JS RegExps (the grammar keeps to syntax both engines read alike) and run
 * through a small scanner that picks matches the way a TextMate tokenizer does (earliest match, then the
 * first rule in order).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const GRAMMAR_FILE = path.join(__dirname, '..', '..', 'syntaxes', 'flux.injection.tmLanguage.json');

interface Capture { name?: string }
interface Rule {
  name?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  captures?: Record<string, Capture>;
  patterns?: Rule[];
}
interface Grammar {
  scopeName: string;
  injectionSelector: string;
  patterns: Rule[];
  repository?: Record<string, Rule>;
}

const grammarText = fs.readFileSync(GRAMMAR_FILE, 'utf8');
const grammar = JSON.parse(grammarText) as Grammar;

/** The match rules reachable from the top-level patterns, in order, with the repository key they came from. */
function flattenRules(g: Grammar): Array<{ key: string; rule: Rule }> {
  const out: Array<{ key: string; rule: Rule }> = [];
  const visit = (rules: Rule[], key: string, depth: number): void => {
    assert.ok(depth < 16, 'include cycle');
    for (const r of rules) {
      if (r.include !== undefined) {
        assert.ok(r.include.startsWith('#'), `only local includes are expected, got ${r.include}`);
        const target = g.repository?.[r.include.slice(1)];
        assert.ok(target, `include ${r.include} does not resolve`);
        visit([target], r.include.slice(1), depth + 1);
      } else if (r.patterns && r.match === undefined && r.begin === undefined) {
        visit(r.patterns, key, depth + 1);
      } else {
        out.push({ key, rule: r });
      }
    }
  };
  visit(g.patterns, '', 0);
  return out;
}

const RULES = flattenRules(grammar);
const COMPILED = RULES.map(({ key, rule }) => {
  assert.ok(rule.match !== undefined, `${key}: the grammar uses single-line match rules only`);
  return { key, rule, re: new RegExp(rule.match, 'gd') };
});

interface Hit {
  key: string;
  start: number;
  text: string;
  /** Capture texts by group number (undefined when the group did not take part). */
  groups: Array<string | undefined>;
  /** Scope of each captured group by group number, as the grammar names it. */
  scopes: Array<string | undefined>;
  /** Start offset of each group in the line. */
  offsets: Array<number | undefined>;
}

/** Scans one line like a TextMate tokenizer over match rules: at each position the earliest match wins, ties go to the first rule. */
function scan(line: string): Hit[] {
  const hits: Hit[] = [];
  let pos = 0;
  while (pos <= line.length) {
    let best: { c: (typeof COMPILED)[number]; m: RegExpExecArray } | undefined;
    for (const c of COMPILED) {
      c.re.lastIndex = pos;
      const m = c.re.exec(line);
      if (m && (!best || m.index < best.m.index)) best = { c, m };
    }
    if (!best) break;
    const { c, m } = best;
    hits.push({
      key: c.key, start: m.index, text: m[0],
      groups: [...m],
      scopes: [...m].map((_, i) => c.rule.captures?.[String(i)]?.name),
      offsets: [...m].map((_, i) => m.indices?.[i]?.[0]),
    });
    pos = m.index + Math.max(1, m[0].length);
  }
  return hits;
}

/** The capture of `line`'s only hit whose scope starts with `scope`. */
function captured(hit: Hit, scope: string): string | undefined {
  const i = hit.scopes.findIndex((s) => s !== undefined && s.startsWith(scope));
  return i < 0 ? undefined : hit.groups[i];
}

describe('flux.injection grammar: file', () => {
  it('is valid JSON with the scope name and injection selector VS Code needs', () => {
    assert.equal(grammar.scopeName, 'flux.injection');
    assert.equal(grammar.injectionSelector, 'L:source.yaml -comment');
    assert.ok(Array.isArray(grammar.patterns) && grammar.patterns.length > 0);
  });

  it('every rule compiles as a JS RegExp, keeps to syntax Oniguruma reads the same way, and names only groups that exist', () => {
    // Escapes and constructs that Oniguruma understands but a JS RegExp would read differently (or not at all).
    const ONIG_ONLY = [/\\[hHAzZGKRX]/, /\(\?[imx]+[:)-]/, /[*+?}]\+/, /\\p\{/, /\(\?<[A-Za-z]/, /\[\[:/];
    assert.ok(COMPILED.length >= 2);
    for (const { key, rule } of COMPILED) {
      const src = rule.match as string;
      for (const bad of ONIG_ONLY) assert.doesNotMatch(src, bad, `${key}: ${src}`);
      const groupCount = (new RegExp(`${src}|`).exec('') as RegExpExecArray).length - 1;
      for (const [n, cap] of Object.entries(rule.captures ?? {})) {
        assert.ok(Number(n) >= 0 && Number(n) <= groupCount, `${key}: capture ${n} of ${groupCount} groups`);
        assert.match(cap.name ?? '', /^[a-z0-9-]+(\.[a-z0-9-]+)*\.flux$/, `${key}: capture ${n} scope`);
      }
      if (rule.name !== undefined) assert.match(rule.name, /\.flux$/);
      assert.ok(!new RegExp(src).test(''), `${key}: matches the empty string`);
    }
  });
});

describe('flux.injection grammar: post-build substitutions', () => {
  const one = (line: string): Hit => {
    const hits = scan(line);
    assert.equal(hits.length, 1, `${line}: ${JSON.stringify(hits.map((h) => h.text))}`);
    return hits[0];
  };

  it('matches ${VAR}: the name captured, no default', () => {
    const h = one('${VAR}');
    assert.equal(h.text, '${VAR}');
    assert.equal(captured(h, 'variable.other.substitution'), 'VAR');
    assert.equal(captured(h, 'string.unquoted.substitution.default'), undefined);
    assert.equal(captured(h, 'punctuation.definition.template-expression.begin'), '${');
    assert.equal(captured(h, 'punctuation.definition.template-expression.end'), '}');
  });

  for (const [line, name, op, dflt] of [
    ['${VAR:=1h}', 'VAR', ':=', '1h'],
    ['${cluster_env:-dev}', 'cluster_env', ':-', 'dev'],
    ['${REPLICAS=3}', 'REPLICAS', '=', '3'],
    ['${_region-eu-west-1}', '_region', '-', 'eu-west-1'],
    ['${EMPTY:=}', 'EMPTY', ':=', ''],
  ] as const) {
    it(`matches ${line}: the name and the default captured separately`, () => {
      const h = one(line);
      assert.equal(h.text, line);
      assert.equal(captured(h, 'variable.other.substitution'), name);
      assert.equal(captured(h, 'keyword.operator.substitution'), op);
      assert.equal(captured(h, 'string.unquoted.substitution.default'), dflt);
    });
  }

  it('finds substitutions inside YAML values, several per line, at the right offsets', () => {
    const line = '  url: https://${GIT_HOST:=github.com}/${ORG}/app-${cluster_env:-dev}.git';
    const hits = scan(line);
    assert.deepEqual(hits.map((h) => captured(h, 'variable.other.substitution')), ['GIT_HOST', 'ORG', 'cluster_env']);
    assert.deepEqual(hits.map((h) => h.start), [line.indexOf('${GIT'), line.indexOf('${ORG'), line.indexOf('${cluster')]);
    const first = hits[0];
    const nameIndex = first.scopes.indexOf('variable.other.substitution.flux');
    assert.equal(first.offsets[nameIndex], line.indexOf('GIT_HOST'));
  });

  it('colors the escaped form $${VAR} as an escape, not a substitution', () => {
    const h = one('value: $${VAR}');
    assert.equal(h.key, 'substitution-escape');
    assert.equal(captured(h, 'variable.other.substitution'), undefined);
  });

  for (const line of ['$VAR', '{{ .Values.x }}', '${{ github.sha }}', '${1abc}', '${}', 'plain: value', '$ {VAR}', '${VAR']) {
    it(`does not match ${JSON.stringify(line)}`, () => {
      assert.deepEqual(scan(line).filter((h) => h.key !== 'sops-value' && h.key !== 'sops-value-other').map((h) => h.text), []);
    });
  }
});

describe('flux.injection grammar: SOPS values', () => {
  it('matches ENC[AES256_GCM,data:...,iv:...,tag:...,type:str] with each part captured', () => {
    const line = 'password: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]';
    const hits = scan(line);
    assert.equal(hits.length, 1);
    const h = hits[0];
    assert.equal(h.key, 'sops-value');
    assert.equal(h.text, 'ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]');
    assert.equal(h.start, line.indexOf('ENC['));
    assert.equal(captured(h, 'keyword.other.sops'), 'ENC');
    assert.equal(captured(h, 'constant.language.sops.cipher'), 'AES256_GCM');
    assert.equal(captured(h, 'comment.block.sops.ciphertext'), 'abc=');
    assert.equal(captured(h, 'comment.block.sops.iv'), 'x');
    assert.equal(captured(h, 'comment.block.sops.tag'), 'y');
    assert.equal(captured(h, 'support.type.sops'), 'str');
    assert.equal(grammar.repository?.['sops-value']?.name, 'string.other.sops-encrypted.flux');
  });

  it('matches a realistic value inside quotes, and other ENC[...] layouts without structure', () => {
    const real = 'mac: "ENC[AES256_GCM,data:q9X1k2/Zp+Yw==,iv:3u1Q8Fv0bO2c+Kf0Jt5ZsA==,tag:0kG7m9bH1xQ==,type:str]"';
    const h = scan(real);
    assert.equal(h.length, 1);
    assert.equal(h[0].key, 'sops-value');
    assert.equal(captured(h[0], 'comment.block.sops.ciphertext'), 'q9X1k2/Zp+Yw==');
    const other = scan('x: ENC[AES256_GCM,data:abc=,type:str]');
    assert.deepEqual(other.map((o) => [o.key, o.text]), [['sops-value-other', 'ENC[AES256_GCM,data:abc=,type:str]']]);
  });

  for (const line of ['ENC', 'ENC alone', 'ENCRYPTED[x]', 'XENC[AES256_GCM,data:a,iv:b,tag:c,type:str]', 'ENC[unclosed', 'enc[AES256_GCM,data:a,iv:b,tag:c,type:str]']) {
    it(`does not match ${JSON.stringify(line)}`, () => {
      assert.deepEqual(scan(line).map((h) => h.text), []);
    });
  }
});
