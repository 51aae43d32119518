/**
 * `flux-workbench lint` through the built CLI (dist/cli.js, built by `npm run build`, which `npm test` runs first),
 * spawned with the Node that runs the tests.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const EXAMPLE = path.join('test', 'example');
const MISTAKES = path.join('test', 'example', 'apps', 'mistakes', 'mistakes.yaml');
const ROW_KEYS = ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity'];
const SEVERITIES = ['error', 'warning', 'information', 'hint'];

interface Row {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

interface Run { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

function lint(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.error, undefined, `spawn failed: ${String(r.error)}`);
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Parses `--format json` output and checks its shape strictly. */
function rows(run: Run): Row[] {
  let parsed: unknown;
  assert.doesNotThrow(() => { parsed = JSON.parse(run.stdout); }, `stdout is not JSON: ${run.stdout.slice(0, 200)}`);
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed));
  assert.deepEqual(Object.keys(parsed), ['diagnostics']);
  const list = (parsed as { diagnostics: unknown }).diagnostics;
  assert.ok(Array.isArray(list));
  for (const r of list as Array<Record<string, unknown>>) {
    assert.deepEqual(Object.keys(r).sort(), ROW_KEYS, JSON.stringify(r));
    for (const k of ['file', 'severity', 'code', 'message']) assert.equal(typeof r[k], 'string', `${k} in ${JSON.stringify(r)}`);
    for (const k of ['line', 'column', 'endLine', 'endColumn']) {
      assert.ok(Number.isInteger(r[k]) && (r[k] as number) >= 1, `${k} must be a 1-based integer in ${JSON.stringify(r)}`);
    }
    const row = r as unknown as Row;
    assert.ok(row.endLine > row.line || (row.endLine === row.line && row.endColumn >= row.column), `range order in ${JSON.stringify(r)}`);
    assert.ok(SEVERITIES.includes(row.severity), row.severity);
  }
  return list as Row[];
}

/** A crash shows as a signal, an exit code outside the documented ones, or a stack trace on stderr. */
function assertNoCrash(run: Run, what: string): void {
  assert.equal(run.signal, null, `${what}: killed by ${run.signal}`);
  assert.ok(run.status === 0 || run.status === 1, `${what}: exit ${run.status}\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+\)?\n|TypeError|RangeError|ReferenceError/, `${what}: stack trace on stderr\n${run.stderr}`);
}

describe('flux-workbench lint (dist/cli.js)', () => {
  let tmp = '';

  before(() => {
    assert.ok(fs.existsSync(CLI), `${CLI} is missing: run npm run build first`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-cli-lint-'));
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lints test/example as JSON: the documented row shape, 1-based positions, exit 1 because of mistakes.yaml', () => {
    const run = lint(EXAMPLE, '--format', 'json');
    assert.equal(run.status, 1, run.stderr);
    const list = rows(run);
    const errors = list.filter((r) => r.severity === 'error');
    assert.ok(errors.length > 0, 'mistakes.yaml has errors');
    // The deliberate mistakes: mistakes.yaml, and the fleet/ folder's one per cross-file rule (cli-fleet.test.ts).
    for (const e of errors) assert.ok(path.normalize(e.file) === MISTAKES || path.normalize(e.file).startsWith(path.join(EXAMPLE, 'fleet') + path.sep), `an error outside the deliberate mistakes: ${JSON.stringify(e)}`);

    // Positions are 1-based: the text a row points at is on that line and column of the file.
    const text = fs.readFileSync(path.join(ROOT, MISTAKES), 'utf8').split(/\r?\n/);
    for (const r of list.filter((x) => x.line === x.endLine)) {
      const lines = fs.readFileSync(path.join(ROOT, r.file), 'utf8').split(/\r?\n/);
      const marked = lines[r.line - 1]?.slice(r.column - 1, r.endColumn - 1) ?? '';
      assert.ok(marked.trim() !== '', `row points at blank text: ${JSON.stringify(r)}`);
    }
    for (const code of ['flux/unknown-field', 'flux/schema-pattern']) {
      const r = list.find((x) => x.code === code);
      assert.ok(r, `${code} is reported for mistakes.yaml`);
      const marked = text[r.line - 1].slice(r.column - 1, r.endColumn - 1);
      assert.ok(r.message.includes(marked), `${code}: marks '${marked}', message: ${r.message}`);
    }
  });

  it('exits 1 on mistakes.yaml alone and 0 on the rest of the example copied to a clean temp dir', () => {
    assert.equal(lint(MISTAKES, '--format', 'json').status, 1);
    const clean = path.join(tmp, 'clean');
    fs.cpSync(path.join(ROOT, EXAMPLE), clean, { recursive: true });
    fs.rmSync(path.join(clean, 'apps', 'mistakes'), { recursive: true });
    fs.rmSync(path.join(clean, 'fleet'), { recursive: true });
    fs.writeFileSync(path.join(clean, 'extra.yaml'), [
      'apiVersion: source.toolkit.fluxcd.io/v1',
      'kind: GitRepository',
      'metadata:',
      '  name: extra',
      '  namespace: flux-system',
      'spec:',
      '  interval: ${SYNC_INTERVAL:=10m}',
      '  url: https://github.com/stefanprodan/podinfo',
      '  ref:',
      '    branch: master',
      '',
    ].join('\n'));
    const run = lint(clean, '--format', 'json');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual(rows(run).filter((r) => r.severity === 'error'), []);
    const text = lint(clean);
    assert.equal(text.status, 0);
    assert.match(text.stdout, /0 error\(s\)/);
  });

  it('exits 2 on a usage error and names the bad flag', () => {
    const bogus = lint(EXAMPLE, '--bogus-flag');
    assert.equal(bogus.status, 2);
    assert.match(bogus.stderr, /--bogus-flag/);
    const format = lint(EXAMPLE, '--format', 'xml');
    assert.equal(format.status, 2);
    assert.match(format.stderr, /xml/);
    assert.equal(lint(EXAMPLE, '--target-flux-version', 'latest').status, 2);
  });

  it('does not crash on binary and garbage files in a temp dir', () => {
    const dir = path.join(tmp, 'binary');
    fs.mkdirSync(dir);
    let seed = 12345;
    const bytes = Buffer.alloc(256 * 1024);
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    fs.writeFileSync(path.join(dir, 'image.yaml'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), bytes]));
    fs.writeFileSync(path.join(dir, 'noise.yml'), Buffer.from(bytes.filter((b) => b !== 0)));
    fs.writeFileSync(path.join(dir, 'brackets.yaml'), '['.repeat(20_000));
    fs.writeFileSync(path.join(dir, 'utf16.yaml'), Buffer.from('\ufeffapiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n', 'utf16le'));
    const json = lint(dir, '--format', 'json');
    assertNoCrash(json, 'json');
    rows(json);
    assertNoCrash(lint(dir), 'text');
    assertNoCrash(lint(path.join(dir, 'image.yaml'), '--format', 'json'), 'single binary file');
  });
});
