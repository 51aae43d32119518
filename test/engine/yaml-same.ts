/**
 * Comparing yaml parses node by node, for the tests of the parse paths that must give exactly what yaml's
 * parseAllDocuments gives (fast-parse.test.ts, yaml-steps.test.ts), and the hand-written edge cases they share.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Document } from 'yaml';

export function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') yamlFiles(p, out);
    else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
  }
  return out;
}

/** Scalar values: a symbol (the merge key `<<`) by its description, a Buffer (a `!!binary` value) by its bytes. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'symbol' && typeof b === 'symbol') return a.description === b.description;
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return Object.is(a, b);
}

/** The first difference between two nodes, as a path and a reason; undefined when they are the same. */
export function diff(a: unknown, b: unknown, at: string): string | undefined {
  if (a === null || b === null || a === undefined || b === undefined) return a === b ? undefined : `${at}: ${String(a)} vs ${String(b)}`;
  if (isAlias(a) && isAlias(b)) {
    if (a.source !== b.source) return `${at}.source: ${a.source} vs ${b.source}`;
    return JSON.stringify(a.range) === JSON.stringify(b.range) ? undefined : `${at}.range: ${JSON.stringify(a.range)} vs ${JSON.stringify(b.range)}`;
  }
  if (isScalar(a) && isScalar(b)) {
    for (const k of ['type', 'format', 'source', 'minFractionDigits', 'tag', 'anchor'] as const) {
      if (a[k] !== b[k]) return `${at}.${k}: ${String(a[k])} vs ${String(b[k])}`;
    }
    if (!sameValue(a.value, b.value)) return `${at}.value: ${JSON.stringify(a.value)} vs ${JSON.stringify(b.value)}`;
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

export function visits(doc: Document.Parsed): string {
  const seen: string[] = [];
  visit(doc, (key, node) => { seen.push(`${String(key)}:${isScalar(node) ? 's' : isMap(node) ? 'm' : isSeq(node) ? 'q' : isPair(node) ? 'p' : '?'}`); });
  return seen.join(',');
}

/** Hand-written edge cases of the subset's borders: each is compared like a file. */
export const CASES: string[] = [
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

