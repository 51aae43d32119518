/**
 * yaml's parse in slices (server/src/engine/document/yaml-steps.ts) against one parseAllDocuments call: whatever
 * the slice size (in tokens), the documents must be the same (nodes, values, ranges, comments, directives, errors and
 * warnings with their offsets and messages), on the edge cases, the fixtures, the shared corpus and seeded
 * mutations (broken YAML included: that is where the sliced parse runs, outside the fast path). And the parse
 * must really yield, once per YAML_SLICE_TOKENS tokens.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Lexer, parseAllDocuments, type Document } from 'yaml';
import { PARSE_OPTIONS } from '../../server/src/engine/document/options';
import { MAX_DOCUMENT_TOKENS, parseYamlDocumentsSteps, YAML_SLICE_TOKENS, type YamlDocuments } from '../../server/src/engine/document/yaml-steps';
import { MUTATIONS, prng } from '../fuzz/mutate';
import { CASES, diff, visits, yamlFiles } from './yaml-same';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

type Problem = { code: string; pos: [number, number]; message: string };
const problems = (list: readonly Problem[]): string[] => list.map((e) => `${e.code}@${e.pos[0]}-${e.pos[1]}: ${e.message}`);

/** The sliced parse; without a document limit unless one is given (the equality tests compose every document). */
function run(source: string, slice: number, maxDocumentTokens = Infinity): YamlDocuments & { steps: number } {
  const gen = parseYamlDocumentsSteps(source, { sliceTokens: slice, maxDocumentTokens });
  let steps = 0;
  for (;;) {
    const r = gen.next();
    if (r.done) return { ...r.value, steps };
    steps++;
  }
}

function toJS(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return `throws ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The first difference between the sliced parse and the whole one, or undefined (up to an oversized document, when the parse stopped there). */
function mismatch(source: string, slice: number, maxDocumentTokens = Infinity): string | undefined {
  const whole = parseAllDocuments(source, PARSE_OPTIONS);
  const want = (Array.isArray(whole) ? whole : []) as Document.Parsed[];
  const { docs, oversized } = run(source, slice, maxDocumentTokens);
  if (oversized ? docs.length >= want.length : docs.length !== want.length) return `${docs.length} documents vs ${want.length}`;
  for (let i = 0; i < docs.length; i++) {
    const a = docs[i]!;
    const b = want[i]!;
    const at = `slice ${slice}, document ${i}`;
    if (JSON.stringify(a.range) !== JSON.stringify(b.range)) return `${at}: range ${JSON.stringify(a.range)} vs ${JSON.stringify(b.range)}`;
    if (a.directives.docStart !== b.directives.docStart) return `${at}: marker`;
    if (a.commentBefore !== b.commentBefore || a.comment !== b.comment) return `${at}: comments`;
    const e = JSON.stringify(problems(a.errors)) === JSON.stringify(problems(b.errors)) ? undefined : `${at}: errors ${problems(a.errors).slice(0, 3).join('; ')} vs ${problems(b.errors).slice(0, 3).join('; ')}`;
    if (e) return e;
    if (JSON.stringify(problems(a.warnings)) !== JSON.stringify(problems(b.warnings))) return `${at}: warnings`;
    const d = diff(a.contents, b.contents, at);
    if (d) return d;
    if (visits(a) !== visits(b)) return `${at}: visit() differs`;
    assert.deepEqual(toJS(a), toJS(b), `${at}: toJS`);
  }
  return undefined;
}

const SLICES = [1, 7, 64, 1000, YAML_SLICE_TOKENS];

function assertSame(name: string, source: string): void {
  for (const slice of SLICES) {
    const m = mismatch(source, slice);
    if (m && process.env.YAML_STEPS_DUMP) fs.writeFileSync(process.env.YAML_STEPS_DUMP, source);
    assert.equal(m, undefined, `${name}: ${m}`);
  }
}

describe('yaml parse in slices', () => {
  it('gives what one parseAllDocuments call gives on the edge cases, at every slice size', () => {
    for (const [i, c] of CASES.entries()) assertSame(`case ${i} ${JSON.stringify(c)}`, c);
    // Cuts inside constructs that span lines: block scalars, multi-line plain and quoted scalars, flow collections
    // over lines, an unclosed quote, comments between documents, a document end marker.
    for (const c of ['a: |\n  x\n\n  y\nb: "p\n  q\n  r"\nc: s\n  t\n  u\nd: [1,\n  2,\n  3]\ne: {f: 1,\n  g: 2}\n', 'a: "x\n\nb: 1\n', '# c\n---\na: 1\n...\n# d\n---\nb: 2\n', '? |\n  k\n: v\n- x\n'])
      assertSame(JSON.stringify(c), c);
  });

  it('gives what one parseAllDocuments call gives on every fixture and corpus file', () => {
    const files = yamlFiles(path.join(ROOT, 'test'));
    if (fs.existsSync(CORPUS)) files.push(...yamlFiles(CORPUS));
    assert.ok(files.length > 10, `only ${files.length} files`);
    for (const f of files) assertSame(f, fs.readFileSync(f, 'utf8'));
  });

  it('gives what one parseAllDocuments call gives on seeded mutations (broken YAML among them)', () => {
    const texts = yamlFiles(path.join(ROOT, 'test')).map((f) => fs.readFileSync(f, 'utf8'));
    texts.push(...CASES);
    const small = Object.entries(MUTATIONS).filter(([, m]) => !m.big && !m.medium);
    const r = prng(23);
    let broken = 0;
    for (let n = 0; n < 600; n++) {
      const [name, m] = small[Math.floor(r() * small.length)]!;
      let text = m.apply(texts[Math.floor(r() * texts.length)]!, r);
      if (r() < 0.5) text = small[Math.floor(r() * small.length)]![1].apply(text, r);
      const whole = parseAllDocuments(text, PARSE_OPTIONS);
      if (Array.isArray(whole) && whole.some((d) => d.errors.length > 0)) broken++;
      assertSame(`mutation ${n} (${name})`, text);
    }
    assert.ok(broken > 100, `only ${broken} of the mutations were broken YAML`);
  });

  it('yields once per slice of tokens of a large text', () => {
    const lines = Array.from({ length: 20000 }, (_, i) => `  k${i}: ${i}\n`).join('');
    const source = `a:\n  - x\n${lines}`; // broken: keys beside a sequence item, problems on every line
    const { docs, steps } = run(source, YAML_SLICE_TOKENS);
    const tokens = [...new Lexer().lex(source)].length;
    const expected = Math.floor(tokens / YAML_SLICE_TOKENS);
    assert.ok(tokens > 100_000 && steps === expected, `${steps} yields for ${tokens} tokens (expected ${expected})`);
    assert.ok(docs[0]!.errors.length > 1000, 'the broken text parses with its problems');
    assert.equal(mismatch(source, YAML_SLICE_TOKENS), undefined);
  });

  it('stops at a document past the token limit: the documents before it are parsed as one parse would, it and the rest are not', () => {
    const big = `kind: ConfigMap\ndata: [${Array.from({ length: 60_000 }, (_, i) => `item${i}`).join(', ')}]\n`;
    const small = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n';
    const source = `${small}---\n${big}---\n${small}`;
    const bigTokens = [...new Lexer().lex(`---\n${big}`)].length;
    assert.ok(bigTokens > MAX_DOCUMENT_TOKENS, `${bigTokens} tokens`);
    for (const slice of [64, YAML_SLICE_TOKENS]) {
      const { docs, oversized } = run(source, slice, MAX_DOCUMENT_TOKENS);
      assert.equal(docs.length, 1);
      assert.deepEqual(oversized, { start: small.length }, 'starts at its --- marker');
      assert.equal(mismatch(source, slice, MAX_DOCUMENT_TOKENS), undefined);
      assert.deepEqual(docs[0]!.toJS(), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    }
    // It stops reading there: the yields count the tokens up to the limit, not the document's.
    const alone = run(big, 1000, MAX_DOCUMENT_TOKENS);
    assert.deepEqual(alone.docs, []);
    assert.deepEqual(alone.oversized, { start: 0 });
    assert.ok(alone.steps <= MAX_DOCUMENT_TOKENS / 1000 + 1, `${alone.steps} yields of 1,000 tokens`);
    // On the limit's other side, the whole text is parsed: the limit is the document's own tokens.
    const under = run(source, YAML_SLICE_TOKENS, bigTokens + 2);
    assert.equal(under.oversized, undefined);
    assert.equal(under.docs.length, 3);
  });
});
