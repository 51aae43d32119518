/**
 * Bad input never crashes the engine: binary content, 10 MB of text, seeded random bytes, deep nesting and
 * alias bombs go through FluxEngine.diagnostics / completion / hover / symbols, which return their usual shapes.
 * (The `timeout` options only stop a hang from blocking the run; nothing here measures speed.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FluxEngine } from '../../server/src/engine/engine';
import { MAX_DIAGNOSTICS } from '../../server/src/engine/analyze';
import type { FluxDiagnostic, Position } from '../../server/src/engine/types';
import { prng } from '../fuzz/mutate';

const HANG_GUARD = { timeout: 600_000 };
const SEVERITIES = new Set(['error', 'warning', 'information', 'hint']);


function randomBytes(seed: number, n: number): Buffer {
  const r = prng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

/** Random text drawn from YAML's structural characters, letters and Flux words, so the parser is exercised deeply. */
function randomYamlish(seed: number, n: number): string {
  const r = prng(seed);
  const pieces = [
    ':', ': ', '-', '- ', '[', ']', '{', '}', ',', '&a', '*a', '!', '!!str ', '|', '>', "'", '"', '%', '@', '`', '#', '?', ' ', '  ',
    '\n', '\n  ', '\t', '---\n', '...\n', '<<: ', '${X:=1m}', 'ENC[', 'apiVersion: ', 'kind: ', 'spec:', 'metadata:', 'name',
    'source.toolkit.fluxcd.io/v1', 'GitRepository', 'Kustomization', 'HelmRelease', 'interval', 'sourceRef', '\\', '\u0000', '\uFEFF', '\u2028', '\uD800',
  ];
  let s = '';
  while (s.length < n) s += pieces[Math.floor(r() * pieces.length)];
  return s;
}

function lineCount(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function assertDiagnostics(diags: unknown, text: string, what: string): void {
  assert.ok(Array.isArray(diags), `${what}: diagnostics is not an array`);
  const lines = lineCount(text);
  for (const d of diags as FluxDiagnostic[]) {
    assert.ok(SEVERITIES.has(d.severity), `${what}: severity ${String(d.severity)}`);
    assert.equal(typeof d.code, 'string', `${what}: code`);
    assert.equal(typeof d.message, 'string', `${what}: message`);
    assert.ok(d.message.length < 2000, `${what}: a ${d.message.length}-character message (${d.message.slice(0, 80)}...)`);
    const { start, end } = d.range;
    for (const p of [start, end]) {
      assert.ok(Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0, `${what}: position ${JSON.stringify(p)}`);
      assert.ok(p.line <= lines, `${what}: line ${p.line} is past the end (${lines} lines)`);
    }
    assert.ok(start.line < end.line || (start.line === end.line && start.character <= end.character), `${what}: range ends before it starts`);
  }
}

function one(diags: FluxDiagnostic[], code: string): FluxDiagnostic {
  const found = diags.filter((d) => d.code === code);
  assert.equal(found.length, 1, `exactly one ${code}: ${found.length}`);
  return found[0]!;
}

let uriCounter = 0;

/**
 * Runs every engine entry point on the text and checks each answer's shape. Returns the diagnostics.
 * `big`: one unversioned diagnostics run and fewer positions, to keep multi-megabyte inputs affordable.
 */
function exercise(engine: FluxEngine, text: string, what: string, big = false): FluxDiagnostic[] {
  const uri = `file:///bad-input/${uriCounter++}.yaml`;
  const diags = engine.diagnostics(text, uri);
  assertDiagnostics(diags, text, what);
  // The same text again through the versioned (cached) path, as the language server calls it.
  if (!big) assertDiagnostics(engine.diagnostics(text, uri, 1), text, `${what} (versioned)`);
  const lines = lineCount(text);
  const positions: Position[] = [
    { line: Math.floor(lines / 2), character: 2 },
    { line: lines + 10, character: 0 },
  ];
  if (!big) positions.push({ line: 0, character: 0 }, { line: lines - 1, character: 1_000_000 });
  for (const pos of positions) {
    const items = engine.completion(text, uri, 1, pos);
    assert.ok(Array.isArray(items), `${what}: completion at ${JSON.stringify(pos)}`);
    const h = engine.hover(text, uri, 1, pos);
    assert.ok(h === undefined || typeof h.contents === 'string', `${what}: hover at ${JSON.stringify(pos)}`);
  }
  const symbols = engine.symbols(text, uri, 1);
  assert.ok(Array.isArray(symbols), `${what}: symbols`);
  engine.forget(uri);
  return diags;
}

const FLUX_HEAD = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: bad\n  namespace: flux-system\n';

describe('engine on bad input', () => {
  const engine = new FluxEngine();

  it('binary content (an image header, NULs, random bytes) read as UTF-8 and as Latin-1', HANG_GUARD, () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), randomBytes(1, 64 * 1024)]);
    for (const enc of ['utf8', 'latin1'] as const) {
      const diags = exercise(engine, png.toString(enc), `binary as ${enc}`);
      assert.deepEqual(diags.map((d) => [d.code, d.severity, d.range.start.line]), [['flux/not-analysed', 'information', 0]]);
    }
    exercise(engine, '\u0000'.repeat(10_000), 'NULs');
    exercise(engine, `${FLUX_HEAD}spec:\n  path: "${'\u0000\u0001\u0002'.repeat(100)}"\n  data: ${randomBytes(2, 4096).toString('latin1').replace(/\n/g, ' ')}\n`, 'binary inside a Flux object');
  });

  it('10 MB of text: one long line, a 10 MB block scalar in a Flux object, and 10 MB of Flux documents', HANG_GUARD, () => {
    const MB10 = 10 * 1024 * 1024;
    exercise(engine, 'x'.repeat(MB10), 'one 10 MB line', true);
    const block = `${FLUX_HEAD}spec:\n  interval: 10m\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n  patches:\n    - patch: |\n${'      - op: add\n        path: /metadata/labels/x\n        value: y\n'.repeat(Math.ceil(MB10 / 64))}`;
    assert.ok(block.length >= MB10);
    const blockDiags = exercise(engine, block, '10 MB block scalar', true);
    // (Its patch text is not indented past `patch:`, so it is 10 MB of YAML structure, not a block scalar.)
    assert.match(one(blockDiags, 'flux/file-too-large').message, /10\.\d MB with [\d,]+ lines of YAML .*over the limit of 100,000/);
    const doc = `${FLUX_HEAD}spec:\n  interval: 10 minutes\n  prune: true\n  sourceRef:\n    kind: HelmRepository\n    name: x\n---\n`;
    const many = doc.repeat(Math.ceil(MB10 / doc.length));
    assert.ok(many.length >= MB10);
    const diags = exercise(engine, many, '10 MB of Flux documents', true);
    // Each document has a bad duration and a bad reference kind; the engine still reports errors, capped, with a
    // count of the rest, and says the file is too large for a full analysis.
    assert.ok(diags.some((d) => d.severity === 'error'), 'errors in the big workspace file are still reported');
    assert.equal(diags.length, MAX_DIAGNOSTICS + 2);
    assert.equal(diags[0]!.code, 'flux/file-too-large');
    const cap = one(diags, 'flux/too-many-diagnostics');
    assert.equal(cap, diags[diags.length - 1]);
    assert.match(cap.message, /problems in this file: the first 1,000 are shown, [\d,]+ more \([\d,]+ of them errors\) are omitted/);
  });

  it('seeded random bytes and random YAML-like text', HANG_GUARD, () => {
    let reported = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const bytes = randomBytes(seed * 7919, 2048 + seed * 1024);
      exercise(engine, bytes.toString('utf8'), `random bytes seed ${seed} (utf8)`);
      exercise(engine, bytes.toString('latin1'), `random bytes seed ${seed} (latin1)`);
      exercise(engine, randomYamlish(seed, 4096), `random YAML-like seed ${seed}`);
      reported += exercise(engine, FLUX_HEAD + randomYamlish(seed + 1000, 4096).replace(/\u0000/g, ''), `random YAML-like after a Flux header, seed ${seed}`).length;
    }
    // Garbage after a Flux header is analysed (and found wanting), not silently dropped. (NULs are left out there:
    // the engine treats a file with a NUL as binary and only says that it was not analysed.)
    assert.ok(reported > 0, 'no diagnostics at all for random text in Flux documents');
  });

  it('deep nesting: 20k [, 20k {, 3k-level block maps and lists, inside and outside a Flux object', HANG_GUARD, () => {
    exercise(engine, '['.repeat(20_000), '20k [');
    exercise(engine, `${'['.repeat(20_000)}${']'.repeat(20_000)}`, '20k balanced []');
    exercise(engine, '{a: '.repeat(20_000), '20k {a:');
    exercise(engine, `${FLUX_HEAD}spec: ${'['.repeat(20_000)}`, '20k [ as a Flux spec');
    let map = '';
    let flux = `${FLUX_HEAD}spec:\n`;
    let list = `${FLUX_HEAD}spec:\n  patches:\n`;
    for (let i = 0; i < 3000; i++) {
      map += `${'  '.repeat(i)}a:\n`;
      flux += `${'  '.repeat(i + 1)}${i % 2 ? 'sourceRef' : 'spec'}:\n`;
      list += `${'  '.repeat(i + 2)}- \n`;
    }
    exercise(engine, map, '3k-level map');
    exercise(engine, flux, '3k-level map in a Flux spec');
    exercise(engine, list, '3k-level list in a Flux spec');
  });

  it('alias bombs ("billion laughs") and recursive aliases', HANG_GUARD, () => {
    let bomb = `${FLUX_HEAD}x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
    for (let i = 1; i < 10; i++) bomb += `x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(', ')}]\n`;
    exercise(engine, `${bomb}spec: *a9\n`, 'billion laughs in spec');
    exercise(engine, `${bomb}spec:\n  patches: *a9\n  postBuild:\n    substitute: *a9\n`, 'billion laughs in typed fields');
    let mapBomb = `${FLUX_HEAD}m0: &m0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol, i: lol}\n`;
    for (let i = 1; i < 10; i++) mapBomb += `m${i}: &m${i} {${'abcdefghi'.split('').map((k) => `${k}: *m${i - 1}`).join(', ')}}\n`;
    exercise(engine, `${mapBomb}spec:\n  <<: *m9\n`, 'map bomb through a merge key');
    exercise(engine, `${FLUX_HEAD}spec: &r\n  self: *r\n`, 'recursive alias');
    exercise(engine, `${FLUX_HEAD}spec:\n  sourceRef: *undefined\n`, 'undefined alias');
  });
});
