/**
 * `npm run test:vscode`: the extension in desktop VS Code through @vscode/test-electron, where VS Code can be
 * downloaded. This machine reaches only the npm and Debian registries, so it cannot: the script then says so and
 * exits 0 (the same scenarios run in code-server with `npm run test:e2e`). Elsewhere: `npm install --no-save
 * @vscode/test-electron`, then `npm run package && npm run test:vscode`.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

interface TestElectron {
  runTests(o: { extensionDevelopmentPath: string; extensionTestsPath: string; launchArgs?: string[] }): Promise<number>;
}

async function reachable(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return r.status < 500;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  let te: TestElectron;
  try {
    te = createRequire(path.join(ROOT, 'package.json'))('@vscode/test-electron') as TestElectron;
  } catch {
    console.log('test:vscode skipped: @vscode/test-electron is not installed (npm install --no-save @vscode/test-electron on a machine '
      + 'that can download VS Code). The editor scenarios run in code-server: npm run test:e2e.');
    return 0;
  }
  if (!await reachable('https://update.code.visualstudio.com/api/releases/stable')) {
    console.log('test:vscode skipped: VS Code cannot be downloaded from this machine (update.code.visualstudio.com is unreachable). '
      + 'The editor scenarios run in code-server: npm run test:e2e.');
    return 0;
  }
  return te.runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(__dirname, 'suite.js'),
    launchArgs: [path.join(ROOT, 'test/example'), '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => { console.error(err); process.exitCode = 1; });
