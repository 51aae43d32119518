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
import { parseAllDocuments, type Document } from 'yaml';
import { documentStarts, PARSE_OPTIONS } from '../../server/src/engine/document/chunks';
import { fastParseDocument, fastProblems, fastValue } from '../../server/src/engine/document/fast-parse';
import { documentProblems, measureStructure, parseText } from '../../server/src/engine/document/parse';
import { generateFleet } from '../bench/fleet-gen';
import { generateLargeFile } from '../bench/workspace-gen';
import { MUTATIONS, prng } from '../fuzz/mutate';
import { CASES, diff, visits, yamlFiles } from './yaml-same';

const ROOT = path.resolve(__dirname, '../..');
const CORPUS = path.resolve(ROOT, '../shared/corpus');

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
