// The bench's generated fleet must be a valid repository: a workload full of real mistakes would measure the
// diagnostics' did-you-mean paths instead of the analysis of a clean fleet (and flatter nothing honestly).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintPaths } from '../../server/src/cli/lint';
import { FluxEngine } from '../../server/src/engine/engine';
import { generateFleet, writeFleet } from '../bench/fleet-gen';

test('the generated fleet lints with no error or warning, only the Secrets made outside git as information', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-fleet-gen-'));
  try {
    const fleet = generateFleet(1000, 7);
    writeFleet(fleet, dir);
    assert.ok(fleet.fluxDocs >= 1000 && fleet.plainDocs > 100);
    const diags = lintPaths([dir], new FluxEngine(), []);
    const serious = diags.filter((d) => d.severity === 'error' || d.severity === 'warning');
    assert.deepEqual(serious.map((d) => `${path.relative(dir, d.file)}: ${d.code} ${d.message}`), []);
    const infos = new Set(diags.map((d) => /refers to Secret flux-system\/([\w-]+)/.exec(d.message)?.[1] ?? d.message));
    assert.deepEqual([...infos].sort(), ['flux-system', 'slack-url', 'sops-age', 'webhook-token']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
