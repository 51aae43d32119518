/**
 * The bundles' rewrites of yaml's hot paths (server/scripts/build.mjs, YAML_REWRITES): they are in the built
 * bundles (dist/, built by `npm run build`, which `npm test` runs first), and yaml built with them still reports a
 * scalar's problems at the right place.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

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
});
