/**
 * The fast parse path (server/src/engine/document/fast-parse.ts) against `yaml`: every document the fast path
 * accepts must give what yaml's parseAllDocuments gives for the whole file (node classes, values, scalar types,
 * formats and sources, every range, the document range and marker, no errors), over the test fixtures, the
 * shared corpus, generated fleets and seeded mutations of all of them. It must also accept most of a generated
 * fleet (else it is no fast path).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, visit, type Document } from 'yaml';
import { documentStarts, PARSE_OPTIONS } from '../../server/src/engine/document/chunks';
import { fastParseDocument, fastProblems, fastValue } from '../../server/src/engine/document/fast-parse';
import { documentProblems, measureStructure, parseText } from '../../server/src/engine/document/parse';
import { generateFleet } from '../bench/fleet-gen';
import { generateLargeFile } from '../bench/workspace-gen';
import { MUTATIONS, prng } from '../fuzz/mutate';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') yamlFiles(p, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** The first difference between two nodes, as a path and a reason; undefined when they are the same. */
function diff(a: unknown, b: unknown, at: string): string | undefined {
  if (a === null || b === null || a === undefined || b === undefined) return a === b ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (isScalar(a) && isScalar(b)) {
    for (const k of ['type', 'format', 'source', 'minFractionDigits', 'tag', 'anchor'] as const) {
      if (a[k] !== b[k]) return `${at}.${k}: ${String(a[k])} vs ${String(b[k])}`;
    }
    if (!Object.is(a.value, b.value)) return `${at}.value: ${JSON.stringify(a.value)} vs ${JSON.stringify(b.value)}`;
    return JSON.stringify(a.range) === JSON.stringify(b.range) ? undefined : `${at}.range: ${JSON.stringify(a.range)} vs ${JSON.stringify(b.range)}`;
  }
  if ((isMap(a) && isMap(b)) || (isSeq(a) && isSeq(b))) {
    if (JSON.stringify(a.range) !== JSON.stringify(b.range)) return `${at}.range: ${JSON.stringify(a.range)} vs ${JSON.stringify(b.range)}`;
    if (a.items.length !== b.items.length) return `${at}.items: ${a.items.length} vs ${b.items.length}`;
    if (a.flow !== b.flow || a.tag !== b.tag || a.anchor !== b.anchor) return `${at}: flow/tag/anchor differ`;
    for (let i = 0; i < a.items.length; i++) {
      const x = a.items[i];
      const y = b.items[i];
      if (isPair(x) && isPair(y)) {
        const d = diff(x.key, y.key, `${at}[${i}].key`) ?? diff(x.value, y.value, `${at}[${i}].value`);
        if (d) return d;
      } else if (isPair(x) || isPair(y)) {
        return `${at}[${i}]: pair vs node`;
      } else {
        const d = diff(x, y, `${at}[${i}]`);
        if (d) return d;
      }
    }
    return undefined;
  }
  return `${at}: ${a.constructor.name} vs ${b.constructor.name}`;
}

function visits(doc: Document.Parsed): string {
  const seen: string[] = [];
  visit(doc, (key, node) => { seen.push(`${String(key)}:${isScalar(node) ? 's' : isMap(node) ? 'm' : isSeq(node) ? 'q' : isPair(node) ? 'p' : '?'}`); });
  return seen.join(',');
}

/** Documents the fast path accepted, and the first mismatch with yaml (undefined when none). */
function check(text: string): { docs: number; fast: number; mismatch?: string } {
  const starts = documentStarts(text, measureStructure(text).boundaries);
  if (!starts) return { docs: 0, fast: 0 };
  const whole = parseAllDocuments(text, PARSE_OPTIONS);
  const docs = (Array.isArray(whole) ? whole : []) as Document.Parsed[];
  const parsed = starts.map((start, i) => fastParseDocument(text, start, i + 1 < starts.length ? starts[i + 1]! : text.length));
  const fast = parsed.filter((f) => f !== undefined).length;
  if (docs.length !== starts.length) {
    // parseText uses the fast path only when it takes every document (else yaml parses the file whole): a cut
    // that yaml does not agree with must then have a document the fast path refused.
    return fast === starts.length ? { docs: starts.length, fast, mismatch: `yaml finds ${docs.length} documents, the fast path ${starts.length}` } : { docs: starts.length, fast };
  }
  for (let i = 0; i < starts.length; i++) {
    const f = parsed[i];
    if (!f) continue;
    const y = docs[i]!;
    if (y.errors.length > 0) return { docs: starts.length, fast, mismatch: `document ${i}: yaml reports ${y.errors[0]!.code} at ${y.errors[0]!.pos[0]}, the fast path accepted it` };
    if (JSON.stringify(f.range) !== JSON.stringify(y.range)) return { docs: starts.length, fast, mismatch: `document ${i}: range ${JSON.stringify(f.range)} vs ${JSON.stringify(y.range)}` };
    if (f.directives.docStart !== y.directives.docStart) return { docs: starts.length, fast, mismatch: `document ${i}: marker ${String(f.directives.docStart)} vs ${String(y.directives.docStart)}` };
    const d = diff(f.contents, y.contents, `document ${i}`);
    if (d) return { docs: starts.length, fast, mismatch: d };
    // yaml's own traversal and copying see the same nodes.
    if (visits(f) !== visits(y)) return { docs: starts.length, fast, mismatch: `document ${i}: visit() sees ${visits(f)} vs ${visits(y)} nodes` };
    const c = diff(f.clone().contents, y.contents, `document ${i} (clone)`);
    if (c) return { docs: starts.length, fast, mismatch: c };
    const js = y.toJS({ maxAliasCount: 100 });
    assert.deepEqual(f.toJS({ maxAliasCount: 100 }), js, `document ${i}: toJS`);
    assert.deepEqual(fastValue(f)?.value, js, `document ${i}: fastValue`);
    assert.deepEqual(fastProblems(f), documentProblems(y), `document ${i}: problems`);
  }
  return { docs: starts.length, fast };
}

function assertSame(name: string, text: string): { docs: number; fast: number } {
  const r = check(text);
  // FAST_PARSE_DUMP=FILE keeps the text of a mismatch, to look into it.
  if (r.mismatch && process.env.FAST_PARSE_DUMP) fs.writeFileSync(process.env.FAST_PARSE_DUMP, text);
  assert.equal(r.mismatch, undefined, `${name}: ${r.mismatch}`);
  return r;
}

/** Hand-written edge cases of the subset's borders: each is compared like a file. */
const CASES: string[] = [
  'a: 1\nb:\n  c: "x" # hi\n  d:\n  - e\n  - f: g\n    h: 0x1F\n# c\n\n',
  'a:\nb: 1\nc:\n  # x\n\n  d: 2   \n\n# y\ne:\n- 1\n-\n- x: 1\n  y:\nf: # c\n  g: 2\n',
  'a:   \nb: # c\nc: 1',
  '---\na: 1\n---\n\nb: |\n  x\n\n  y\n\nc: |-\n  z\n# q\n---\nd: >\n  p\n   q\n  r\n\n',
  'a:\n  b: 1\n  # c\nd: 2\ne:\n  f: 1\n# g\nh:\n  - 1\n  # i\n  - 2\n    # j\nk: 3\n',
  '# c\n\n---\na: 1\n', '# c\na: 1\n---\n# d\nb: 1\n--- # x\nc: 1\n',
  "a: 'it''s'\nb: ''\nc: \"\"\n'd': 1\n\"e\": 2\nf: 'x' # c\n",
  'a: 1.50\nb: -1\nc: +2\nd: .5\ne: 1e3\nf: .inf\ng: -.Inf\nh: .nan\ni: 0o17\nj: 0x0\nk: ~\nl: Null\nm: TRUE\nn: yes\no: 012\np: 1_000\nq: 2026-01-01\nr: 1.\n',
  '1: a\ntrue: b\nnull: c\n~: d\n0x10: e\n',
  'a: |\n  x\n    y\n\n\n  z\nb: 1\n', 'a: |\n\n  x\nb: 1\n', 'a: |\n  x\n', 'a: |-\n  x\n\n', 'a: |\n  x',
  'a: |\nb: 1\n', 'a: |\n   \n  x\n', 'a: | # c\n  x\n', 'a: |2\n  x\n', 'a: |+\n  x\n\n', 'a: >-\n  x\n  y\n',
  '- a\n- - b\n', '- a: 1\n  b: 2\n- c\n-   d: 3\n    e:\n    - f\n', '-\n  a: 1\n-\n  - b\n', 'a:\n- 1\n- 2\nb: 3\n',
  'a: b: c\n', 'a: - b\n', 'a: b\n  c\n', 'a: "b\n  c"\n', "a: 'b\n  c'\n", 'a: "b\\nc"\n', 'a:\tb\n', '\ta: 1\n',
  'a: 1\n  b: 2\n', 'a:\n    b: 1\n  c: 2\n', 'a  : 1\n', 'a:b\n', 'a: b#c\n', 'a: b #c\n', 'a: [1, 2]\n', 'a: {b: 1}\n',
  'a: &x 1\nb: *x\n', '<<: {a: 1}\n', 'a: !!str 1\n', '? a\n: b\n', 'a: @b\n', 'a: `b`\n', 'a: %b\n', 'a: -b\nc: -1\n',
  'a: 1\na: 2\n', 'key with spaces: value with: colon\n', 'url: http://example.com:8080/x\n', 'a: "b" c\n', 'a: "b"#c\n',
  '  a: 1\n', 'a\n', '---\n', '--- a\n', '...\n', '%YAML 1.2\n---\na: 1\n', 'a: 1\n...\n', '',
  'a: 1\r\nb: 2\r\n', '\uFEFFa: 1\n', 'a: x\u0001y\n', 'a:\n  - b\n  -\n  - c:\n', 'a:\n  -\n    b: 1\n',
  'a: |\n  x\n# c\nb: 1\n', 'a:\n  b: |\n    x\n  c: 1\n', 'a: "x" \nb: \'y\'   \n', 'a: x   \n', 'a: x   ',
  'a: x\n\n\n', 'a:\n\n  b: 1\n', 'spec:\n  values:\n    k: "1.4.2"\n    l: 1.4.2\n',
  '__proto__: 1\ntoString: 2\nconstructor:\n  a: 1\n', '"<<": 1\n', 'null: 1\n~: 2\n1: a\n1.0: b\n', 'a: 1\na: 2\n"a": 3\n', 'a:\n  x: 1\n  y: 2\n  x: 3\nb: 1\nb: 2\n1: a\n"1": b\n1.0: c\n',
  `big:\n${Array.from({ length: 30 }, (_, i) => `  k${i % 20}: ${i}\n`).join('')}`, 'a: .nan\n.NaN: 1\n.nan: 2\n',
];

describe('fast parse path', () => {
  it('gives what yaml gives on the edge cases', () => {
    let fast = 0;
    for (const [i, c] of CASES.entries()) fast += assertSame(`case ${i} ${JSON.stringify(c)}`, c).fast;
    assert.ok(fast >= 25, `the fast path took only ${fast} of the cases`);
  });

  it('gives what yaml gives on every YAML file of the test fixtures', () => {
    const files = yamlFiles(path.join(ROOT, 'test'));
    assert.ok(files.length > 10, `only ${files.length} fixture files`);
    for (const f of files) assertSame(f, fs.readFileSync(f, 'utf8'));
  });

  it('gives what yaml gives on every file of the shared corpus', (t) => {
    if (!fs.existsSync(CORPUS)) {
      t.skip(`no corpus at ${CORPUS} (CI lays ../shared beside the clone)`);
      return;
    }
    const files = yamlFiles(CORPUS);
    let docs = 0;
    let fast = 0;
    for (const f of files) {
      const r = assertSame(f, fs.readFileSync(f, 'utf8'));
      docs += r.docs;
      fast += r.fast;
    }
    assert.ok(fast > 0 && docs > 0, `the fast path took ${fast} of ${docs} corpus documents`);
  });

  it('takes nearly all of a generated fleet, and gives what yaml gives', () => {
    const fleet = generateFleet(400, 3);
    let docs = 0;
    let fast = 0;
    for (const f of fleet.files) {
      const r = assertSame(f.path, f.text);
      docs += r.docs;
      fast += r.fast;
    }
    const big = assertSame('large file', generateLargeFile(600));
    assert.ok(fast / docs > 0.95, `the fast path took ${fast} of ${docs} fleet documents`);
    assert.ok(big.fast === big.docs, `the fast path took ${big.fast} of ${big.docs} documents of the large file`);
  });

  it('gives what yaml gives on seeded mutations of the fixtures, corpus and fleet', () => {
    const texts = yamlFiles(path.join(ROOT, 'test')).map((f) => fs.readFileSync(f, 'utf8'));
    if (fs.existsSync(CORPUS)) texts.push(...yamlFiles(CORPUS).map((f) => fs.readFileSync(f, 'utf8')));
    texts.push(...generateFleet(60, 5).files.map((f) => f.text), ...CASES);
    const small = Object.entries(MUTATIONS).filter(([, m]) => !m.big && !m.medium);
    const r = prng(11);
    let fast = 0;
    for (let n = 0; n < 3000; n++) {
      const [name, m] = small[Math.floor(r() * small.length)]!;
      let text = texts[Math.floor(r() * texts.length)]!;
      text = m.apply(text, r);
      if (r() < 0.5) text = small[Math.floor(r() * small.length)]![1].apply(text, r);
      fast += assertSame(`mutation ${n} (${name})`, text).fast;
    }
    assert.ok(fast > 1000, `the fast path took only ${fast} mutated documents`);
  });

  it('is what parseText uses: a fleet file parses to the same documents and problems as before', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n  k: w\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n';
    const file = parseText(text);
    assert.equal(file.documents.length, 2);
    assert.deepEqual(file.documents.map((d) => [d.kind, d.name, d.startOffset, d.endOffset]), [['ConfigMap', 'a', 0, text.indexOf('---')], ['Secret', 'b', text.indexOf('---'), text.length]]);
    assert.deepEqual(file.documents[0]!.errors.map((e) => [e.code, text.slice(e.start, e.end)]), [['DUPLICATE_KEY', 'k']]);
  });
});
