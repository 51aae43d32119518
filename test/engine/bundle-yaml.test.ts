/**
 * The bundles' rewrites of yaml's hot paths (server/scripts/build.mjs, YAML_REWRITES): they are in the built
 * bundles (dist/, built by `npm run build`, which `npm test` runs first), and yaml built with them still reports a
 * scalar's problems at the right place and judges aliases as the unmodified yaml does (the tests run it unbundled).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { runLint } from '../../server/src/cli/lint';

const DIST = path.join(__dirname, '..', '..', 'dist');
const count = (text: string, s: string): number => text.split(s).length - 1;

describe('yaml rewrites in the bundles', () => {
  for (const bundle of ['server.js', 'cli.js']) {
    it(`${bundle} reads yaml's debug switches once, at load, and makes flow-scalar error closures unnamed`, () => {
      const text = fs.readFileSync(path.join(DIST, bundle), 'utf8');
      // One read each, in the variable the rewrite declares; yaml's own per-token reads are gone.
      assert.equal(count(text, 'env.LOG_TOKENS'), 1);
      assert.equal(count(text, 'env.LOG_STREAM'), 1);
      // keepNames names the helper once; the closure it returns per scalar carries no name.
      assert.equal(count(text, '"__fwYamlRelativeOnError"'), 1);
      assert.equal(count(text, '"__fwYamlAnchorOf"'), 1);
    });
  }

  it('the bundled CLI places a quoted scalar\'s syntax error at the offending escape', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-bundle-yaml-'));
    try {
      const lines = [
        'apiVersion: source.toolkit.fluxcd.io/v1', 'kind: GitRepository', 'metadata:', '  name: podinfo',
        '  namespace: "flux\\qsystem"', 'spec:', '  interval: 1m', '  url: https://github.com/stefanprodan/podinfo',
        '  ref:', '    branch: master', '',
      ];
      const file = path.join(dir, 'repo.yaml');
      fs.writeFileSync(file, lines.join('\n'));
      const r = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'lint', '--format', 'json', file], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.error, undefined);
      const rows = (JSON.parse(r.stdout) as { diagnostics: Array<{ code: string; line: number; column: number; endColumn: number; message: string }> }).diagnostics;
      const syntax = rows.filter((d) => d.code === 'flux/yaml-syntax');
      assert.equal(syntax.length, 1, JSON.stringify(rows));
      assert.match(syntax[0]!.message, /Invalid escape sequence \\q/);
      // 1-based: line 5, the column of the backslash.
      assert.equal(syntax[0]!.line, 5);
      assert.equal(syntax[0]!.column, lines[4]!.indexOf('\\') + 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bundled CLI judges aliases, alias bombs and merge keys as the unmodified yaml does', async () => {
    const release = (values: string[]): string => [
      'apiVersion: helm.toolkit.fluxcd.io/v2', 'kind: HelmRelease', 'metadata:', '  name: podinfo', '  namespace: apps',
      'spec:', '  interval: 10m', '  chart:', '    spec:', '      chart: podinfo', '      sourceRef:', '        kind: HelmRepository', '        name: podinfo',
      '  values:', ...values.map((l) => `    ${l}`), '',
    ].join('\n');
    // Each level has ten aliases of the one below: 10^k expansions at level k.
    const bomb = (levels: number): string[] => [
      'l0: &l0 [x, x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: levels }, (_, k) => `l${k + 1}: &l${k + 1} [${Array(10).fill(`*l${k}`).join(', ')}]`),
    ];
    const cases: Record<string, string> = {
      'bomb.yaml': release(bomb(4)),
      'under-limit.yaml': release(bomb(2)),
      'merge.yaml': release(['base: &base {cpu: 100m, memory: 64Mi}', 'small: {<<: *base, cpu: 50m}', 'large:', '  <<: [*base]', '  memory: 1Gi', 'copies: [*base, *base]']),
      'unresolved.yaml': release(['a: *nowhere', 'b: &b 1', 'c: *b']),
      'nested-anchors.yaml': release(['outer: &outer', '  inner: &inner [1, 2]', '  again: *inner', 'twice: [*outer, *outer, *inner]']),
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-bundle-alias-'));
    try {
      for (const [name, text] of Object.entries(cases)) fs.writeFileSync(path.join(dir, name), text);
      const bundled = spawnSync(process.execPath, [path.join(DIST, 'cli.js'), 'lint', '--format', 'json', dir], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(bundled.error, undefined);
      let out = '';
      const stdout = new Writable({ write(chunk, _enc, cb) { out += String(chunk); cb(); } });
      const stderr = new Writable({ write(_chunk, _enc, cb) { cb(); } });
      const status = await runLint(['--format', 'json', dir], { stdout, stderr });
      assert.equal(bundled.status, status);
      assert.equal(bundled.stdout, out);
      // And the cases do what they are named for.
      const rows = (JSON.parse(out) as { diagnostics: Array<{ file: string; message: string }> }).diagnostics;
      const of = (name: string): string => rows.filter((r) => path.basename(r.file) === name).map((r) => r.message).join('\n');
      assert.match(of('bomb.yaml'), /alias/i);
      assert.doesNotMatch(of('under-limit.yaml'), /alias/i);
      assert.match(of('unresolved.yaml'), /nowhere/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
