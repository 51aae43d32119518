/**
 * `npm run test:e2e`: the packaged extension in a real editor (code-server, driven through Debian's chromium with
 * playwright-core), against the fixture API server and its Flux controller simulator. One screenshot per scenario
 * in test/e2e/artifacts/ (gitignored), and one named *-FAILED.png at a failure. Every wait is on a condition of the
 * page or of the files; none is a fixed sleep.
 *
 * The tools are installed by test/e2e/install.sh on the first run (cached outside the clone, keyed by version);
 * the .vsix must exist (npm run package). FW_E2E_KEEP=1 keeps the browser's last page on failure for a look.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addKustomization } from '../fixture/seed';
import { makeSopsFile, newAgeKey, secretDoc } from '../fixture/sops-files';
import { ensureTools, launchBrowser, startEditor, startFixture, type Browser, type Editor, type Fixture, type Page } from './harness';
import { SERVER_MALLOC_TUNABLES } from '../../server/src/lsp/malloc-env';

const ARTIFACTS = process.env.FW_E2E_ARTIFACTS ?? path.join(__dirname, 'artifacts');
const STEP_MS = 60_000;

let tools: string;
let fixture: Fixture;
let editor: Editor;
let browser: Browser;
let page: Page;
let shots = 0;
/** Why the editor could not be started (install, fixture, code-server, browser), if it could not. */
let startup: Error | undefined;
let failures = 0;

/** Polls `fn` until it returns a value other than undefined/false (a wait on a condition, with a deadline). */
async function until<T>(what: string, fn: () => Promise<T | undefined | false>, ms = STEP_MS): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms / 1000}s waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function shot(name: string): Promise<void> {
  const file = path.join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => undefined);
}

/**
 * Chooses `label` in the open context menu and waits until the menu has closed (the command ran). A click that the
 * menu swallowed (seen once in CI: the menu stayed open with the item highlighted, and nothing ran) is followed by
 * Enter on the highlighted item, then by another click, each only while the menu is still open.
 */
async function chooseMenuItem(label: string, before?: () => Promise<void>): Promise<void> {
  const item = page.locator(`.context-view .action-label:text-is("${label}")`).first();
  await item.waitFor({ state: 'visible' });
  if (before) await before();
  const menu = page.locator('.context-view .monaco-menu');
  let tries = 0;
  await item.click();
  await until(`the context menu to close after choosing ${label}`, async () => {
    if (!(await menu.isVisible().catch(() => false))) return true;
    tries++;
    // About every 1.5 s while the menu stays open: the item again, by keyboard, then by mouse.
    if (tries % 10 === 0) {
      if ((tries / 10) % 2 === 1) { await item.hover().catch(() => undefined); await page.keyboard.press('Enter'); }
      else await item.click().catch(() => undefined);
    }
    return false;
  });
}

/** Runs a scenario; a failure leaves a *-FAILED.png screenshot beside the others. */
function scenario(name: string, fn: () => Promise<void>): void {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  it(name, { timeout: 3 * STEP_MS }, async () => {
    if (startup) throw new Error(`not run: the e2e did not start: ${startup.message}`);
    try {
      await fn();
      await shot(slug);
    } catch (err) {
      failures++;
      await shot(`${slug}-FAILED`);
      // What the page said, for the log (notifications hold the commands' errors).
      const toasts = await page.locator('.notification-toast').allInnerTexts().catch(() => [] as string[]);
      console.error(`e2e: "${name}" failed; notifications: ${JSON.stringify(toasts.map(text))}; window title: ${await page.title().catch(() => '?')}`);
      throw err;
    }
  });
}

const text = (s: string): string => s.replace(/\u00a0/g, ' ');

/**
 * Runs a command from the palette: waits for its row, runs it, waits for the palette to close, or, with `next`,
 * for the quick pick the command opens (a row matching `next`).
 */
async function command(label: string, next?: RegExp): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible' });
  await page.keyboard.type(label);
  await until(`the palette row "${label}"`, async () => {
    const rows = await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
    return rows.length > 0 && text(rows[0]!).includes(label);
  });
  await page.keyboard.press('Enter');
  if (next) {
    await until(`the pick of "${label}" (a row ${next})`, async () => (await quickRows()).some((r) => next.test(r)));
    return;
  }
  await until('the palette to close', async () => !(await page.locator('.quick-input-widget .quick-input-list').first().isVisible()));
}

async function quickRows(): Promise<string[]> {
  if (!(await page.locator('.quick-input-widget').first().isVisible())) return [];
  return (await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts()).map(text);
}

/** Picks the row of an open quick pick whose text starts with `label` (typed to filter it), then waits for it to close. */
async function pick(label: string): Promise<void> {
  await page.keyboard.type(label);
  await until(`"${label}" as the first row of the pick`, async () => {
    const rows = await quickRows();
    return rows.length > 0 && rows[0]!.startsWith(label);
  });
  await page.keyboard.press('Enter');
  await until('the pick to close', async () => !(await page.locator('.quick-input-widget .quick-input-list').first().isVisible()));
}

/** The text of the lines an editor shows (those in view: Monaco renders only those). */
async function shownLines(editorSelector: string): Promise<string> {
  return (await page.locator(`${editorSelector} .view-lines .view-line`).allInnerTexts()).map(text).join('\n');
}

/** Puts the cursor at the start of a 1-based line of the active editor (Go to Line). */
async function gotoLine(line: number): Promise<void> {
  await page.keyboard.press('Control+g');
  await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible' });
  await page.keyboard.type(String(line));
  await until('Go to Line to take the number', async () => {
    const rows = await page.locator('.quick-input-widget .quick-input-message, .quick-input-widget .monaco-list-row').allInnerTexts();
    return rows.some((r) => r.includes(String(line)));
  });
  await page.keyboard.press('Enter');
  await until('Go to Line to close', async () => !(await page.locator('.quick-input-widget .quick-input-box input').isVisible()));
}

/** Opens a workspace file from the Explorer view (file quick-open needs a ripgrep that code-server may lack). */
async function openFile(relative: string): Promise<void> {
  await command('View: Show Explorer');
  const parts = relative.split('/');
  for (let i = 0; i < parts.length; i++) {
    const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${parts[i]}"], .explorer-folders-view .monaco-list-row:has-text("${parts[i]}")`).first();
    await row.waitFor({ state: 'visible' });
    const expanded = await row.getAttribute('aria-expanded');
    if (i < parts.length - 1 && expanded === 'true') continue;
    await row.click();
  }
  const name = parts[parts.length - 1]!;
  await until(`the editor of ${name} (window title)`, async () => (await page.title()).startsWith(`${name} `));
  await page.locator('.monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}

async function save(file: string, before: string): Promise<string> {
  await page.keyboard.press('Control+s');
  return until(`${path.basename(file)} saved to disk`, async () => {
    const now = fs.readFileSync(file, 'utf8');
    return now !== before ? now : undefined;
  });
}

async function problems(): Promise<string[]> {
  return (await page.locator('.markers-panel .monaco-list-row').allInnerTexts()).map(text);
}

async function fluxTreeRows(): Promise<string[]> {
  return (await page.locator('.pane-body .monaco-list-row, [id="workbench.view.extension.fluxWorkbench"] .monaco-list-row').allInnerTexts()).map(text);
}

/** The environments of the running language servers of this extension (found by their command line in /proc). */
function serverProcesses(): string[][] {
  const found: string[][] = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => /flux-workbench[^/]*\/dist\/server\.js$/.test(a)) && cmd.includes('--node-ipc')) {
        found.push(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0'));
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const MISTAKES = 'apps/mistakes/mistakes.yaml';
const EDITED = ['completion.yaml', 'enter.yaml', 'quickfix.yaml'];

describe('Flux Workbench in code-server (e2e)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    try {
      tools = ensureTools();
      fixture = await startFixture();
      editor = await startEditor(tools, fixture.server.kubeconfigPath);
      // The editing scenarios each edit their own copy of the file of mistakes (no revert between scenarios).
      for (const f of EDITED) fs.copyFileSync(path.join(editor.workspace, MISTAKES), path.join(editor.workspace, 'apps/mistakes', f));
      browser = await launchBrowser(tools);
      page = await browser.newPage();
      await page.setViewportSize({ width: 1400, height: 900 });
      await page.goto(editor.url);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
      await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 90_000 });
      // The Flux view is opened first, while the extension is not yet active: opened only after a YAML file activated
      // the extension, it sometimes never connects (no "connecting to context" in its log; seen in 2 of 4 runs), a bug
      // of the view's first-visibility connect reported with this test rather than papered over here.
      await page.locator('.activitybar [aria-label^="Flux"]').first().click();
      await until('the Flux view', async () => (await page.locator('.pane-header:has-text("Cluster"), .composite.title:has-text("Flux")').count()) > 0);
      await command('View: Show Explorer');
    } catch (err) {
      // Counted, not hidden: every scenario then fails with this (a failed install or start-up is never a pass).
      startup = err instanceof Error ? err : new Error(String(err));
      if (page) await shot('startup-FAILED');
      console.error(startup.message);
    }
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if ((failures > 0 || startup) && editor) {
      // The editor's logs (extension host, the extension's own output channels) and code-server's output.
      try {
        fs.cpSync(editor.logsDir, path.join(ARTIFACTS, 'editor-logs'), { recursive: true });
        fs.writeFileSync(path.join(ARTIFACTS, 'editor-logs', 'code-server.log'), editor.log());
        console.log(`e2e: editor logs in ${path.join(ARTIFACTS, 'editor-logs')}`);
      } catch (err) {
        console.log(`e2e: could not keep the editor logs: ${String(err)}`);
      }
    }
    await editor?.stop().catch(() => undefined);
    await fixture?.stop().catch(() => undefined);
    console.log(`e2e screenshots: ${ARTIFACTS}`);
  });

  const file = (name: string): string => path.join(editor.workspace, 'apps/mistakes', name);

  scenario('the extension activates with no error notification', async () => {
    await openFile(MISTAKES);
    // The language server answered: the status bar counts the file's problems.
    await until('problems counted in the status bar', async () => {
      const t = text(await page.locator('.statusbar-item[id="status.problems"]').first().innerText());
      return /[1-9]/.test(t);
    });
    await page.locator('.activitybar .action-item [aria-label^="Flux"], .activitybar [aria-label^="Flux"]').first().waitFor({ state: 'visible' });
    const errors = await page.locator('.notification-toast:has(.codicon-error), .notification-toast:has(.codicon-notifications-error)').allInnerTexts();
    assert.deepEqual(errors, [], 'an error notification is shown');
    // The language server process the editor started has the malloc tunables the client passes (malloc-env.ts).
    const servers = serverProcesses();
    assert.ok(servers.length > 0, 'no dist/server.js --node-ipc process found');
    for (const environ of servers) {
      for (const [name, value] of Object.entries(SERVER_MALLOC_TUNABLES)) {
        const expected = process.env[name] ?? value;
        assert.ok(environ.includes(`${name}=${expected}`), `${name}=${expected} not in the language server's environment`);
      }
    }
  });

  scenario('the Problems panel lists the mistakes of the file', async () => {
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    const rows = await until('the mistakes in the Problems panel', async () => {
      const r = await problems();
      return r.some((x) => /intervall/.test(x)) && r.some((x) => /5 minutes|Go duration/.test(x)) ? r : undefined;
    });
    assert.ok(rows.some((r) => /v2beta1/.test(r)), rows.join('\n'));
  });

  scenario('the Problems panel lists cross-file problems of files that were never opened', async () => {
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    // fleet/ (never opened here) holds one mistake per cross-file rule; the workspace scan publishes them all.
    // The list is virtualized: filter it to the fleet's cluster folder so its rows are rendered.
    const filter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
    await filter.fill('clusters/staging');
    try {
      const rows = await until('the fleet folder\'s problems in the Problems panel', async () => {
        const r = await problems();
        return r.some((x) => /does not exist in this repository/.test(x)) && r.some((x) => /dependsOn forms a cycle/.test(x)) ? r : undefined;
      });
      assert.ok(rows.some((r) => /depends on Kustomization flux-system\/databases/.test(r)), rows.join('\n'));
      await shot('fleet-problems-filtered');
    } finally {
      await filter.fill('');
    }
  });

  scenario('hover on spec.url shows the field, its type and the documentation link', async () => {
    await gotoLine(9);
    await page.locator('.monaco-editor .view-line span:has-text("url")').first().hover();
    const hover = await until('the hover on spec.url', async () => (await page.locator('.monaco-hover:visible').allInnerTexts()).map(text).find((t) => /spec\.url/.test(t)));
    assert.match(hover, /string/);
  });

  scenario('Ctrl+Space under spec offers the missing required interval first', async () => {
    await openFile('apps/mistakes/completion.yaml');
    await gotoLine(9);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Control+Space');
    const rows = await until('completion items', async () => {
      const r = (await page.locator('.suggest-widget.visible .monaco-list-row').allInnerTexts()).map(text);
      return r.length > 3 ? r : undefined;
    });
    assert.match(rows[0]!, /^interval\b/, rows.slice(0, 5).join(' | '));
    await shot('completion-list');
    await page.keyboard.press('Escape');
    await page.locator('.suggest-widget.visible').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+z'); // back to the saved text: the editor is not dirty
    await until('the completion.yaml editor to be clean', async () => !(await page.locator('.tabs-container .tab.active.dirty').count()));
  });

  scenario('Enter twice on a new line inserts two newlines, not a suggestion', async () => {
    const f = file('enter.yaml');
    const original = fs.readFileSync(f, 'utf8');
    await openFile('apps/mistakes/enter.yaml');
    await gotoLine(9);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('# end of spec');
    const saved = await save(f, original);
    const lines = original.split('\n');
    // Exactly the two newlines and the comment (auto-indented), nothing else.
    const expected = [...lines.slice(0, 9), '', '  # end of spec', ...lines.slice(9)].join('\n');
    assert.equal(saved.split('\n').map((l) => l.trimEnd()).join('\n'), expected);
  });

  scenario('the quick fix from the light bulb renames intervall and clears its diagnostic', async () => {
    const f = file('quickfix.yaml');
    const original = fs.readFileSync(f, 'utf8');
    // Only this file open: the Problems panel then lists its diagnostics alone.
    await command('View: Close All Editors');
    await until('all editors closed', async () => (await page.locator('.tabs-container .tab').count()) === 0);
    await openFile('apps/mistakes/quickfix.yaml');
    await command('View: Focus Problems (Errors, Warnings, Infos)');
    const inFile = async (): Promise<string[]> => (await problems()).filter((r) => /intervall/.test(r));
    await until('the intervall diagnostic', async () => (await inFile()).length > 0);
    const count = (await inFile()).length;
    await page.locator('.monaco-editor .view-lines').first().click();
    await gotoLine(8);
    await page.keyboard.press('End');
    await page.keyboard.press('Home');
    const bulb = page.locator('.lightBulbWidget, .codicon-light-bulb, .codicon-lightbulb-autofix').first();
    await bulb.waitFor({ state: 'visible' });
    await shot('light-bulb');
    await bulb.click();
    const item = page.locator('.action-widget .monaco-list-row:has-text("Change \'intervall\' to \'interval\'")').first();
    await item.waitFor({ state: 'visible' });
    await shot('quick-fix-menu');
    await item.click();
    await until('the intervall diagnostic of this file to clear', async () => (await inFile()).length < count);
    const saved = await save(f, original);
    assert.equal(saved, original.replace('  intervall: 5m', '  interval: 5m'));
  });

  scenario('the Flux view shows the cluster tree', async () => {
    await command('Flux: Focus on Cluster View');
    let seen: string[] = [];
    await until('Kustomization "infrastructure" in the Flux tree', async () => {
      seen = await fluxTreeRows();
      return seen.some((x) => /Kustomizations/.test(x)) && seen.some((x) => /infrastructure/.test(x));
    });
    // The tree is a virtual list: rows scrolled out of view are not in the page. CI once saw it scrolled down by four
    // rows (Sources out of view) on a loaded machine, so the wheel brings its top back before Sources is looked for.
    const rows = await until('the Sources group at the top of the Flux tree', async () => {
      seen = await fluxTreeRows();
      if (seen.some((x) => /Sources/.test(x))) return seen;
      await page.locator('.monaco-list-row:has-text("Kustomizations")').first().hover();
      await page.mouse.wheel(0, -5000);
      return undefined;
    }).catch((err: Error) => { throw new Error(`${err.message}; rows: ${seen.join(' | ')}`); });
    assert.ok(rows.some((r) => /infrastructure/.test(r)), rows.join(' | '));
    const status = await page.locator('.statusbar-item:has-text("fake")').allInnerTexts();
    assert.ok(status.length > 0, 'no status-bar item for the context "fake"');
  });

  scenario('Reconcile from the context menu reconciles the Kustomization', async () => {
    const before = fixture.server.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, 'flux-system', 'infrastructure');
    const handledBefore = (before?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
    await page.locator('.monaco-list-row:has-text("infrastructure")').first().click({ button: 'right' });
    await chooseMenuItem('Reconcile', () => shot('context-menu'));
    // The result's message starts with the object; the progress notification's ("Reconcile Kustomization …:
    // waiting for …") does not, and may still be on screen.
    const toast = await until('the reconcile result notification', async () => (await page.locator('.notification-toast .notification-list-item-message').allInnerTexts())
      .map(text).find((t) => /^Kustomization flux-system\/infrastructure: /.test(t.trim())), 2 * STEP_MS);
    assert.doesNotMatch(toast, /fail|error|timed out/i);
    const after = fixture.server.get({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' }, 'flux-system', 'infrastructure');
    const handledAfter = (after?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt;
    assert.ok(handledAfter && handledAfter !== handledBefore, `lastHandledReconcileAt ${handledBefore} -> ${handledAfter}`);
  });

  scenario('Show Logs follows the controllers\' logs in the Controller Logs output', async () => {
    await command('Flux: Show Logs', /^All controllers/);
    const rows = await quickRows();
    assert.ok(rows.some((r) => /^kustomize-controller/.test(r)) && rows.some((r) => /^helm-controller/.test(r)), rows.join(' | '));
    await pick('All controllers');
    const output = '.part.panel .monaco-editor';
    // Following: the status bar's stop item is shown (the output's first line may already be scrolled away by the
    // controllers' recent lines).
    const stopItem = page.locator('.statusbar-item:has-text("Flux logs")');
    await until('the "Flux logs" status bar item of the tail', async () => (await stopItem.count()) > 0 && stopItem.first().isVisible());
    const panel = text(await page.locator('.part.panel').first().innerText());
    assert.match(panel, /Flux Workbench: Controller Logs/, 'the output panel shows the Controller Logs channel');
    // A line the kustomize-controller logs now reaches the open output (follow), with its controller, kind and object.
    const marker = `e2e marker ${Date.now()}`;
    const pod = fixture.flux.pods['kustomize-controller']!;
    fixture.server.appendLog(fixture.flux.namespace, pod, JSON.stringify({
      level: 'info', ts: new Date().toISOString(), msg: marker, controllerKind: 'Kustomization', name: 'infrastructure', namespace: 'flux-system',
    }));
    // Long lines wrap in the output (one .view-line per screen line): compare without the white space.
    const flat = (t: string): string => t.replace(/\s+/g, '');
    const line = flat(`info kustomize-controller Kustomization flux-system/infrastructure ${marker}`);
    await until('the new log line in the output', async () => flat(await shownLines(output)).includes(line));
    await shot('controller-logs');
    await command('Flux: Stop Following Logs');
    await until('the output to say the tail stopped', async () => /all Flux controllers: stopped/.test(await shownLines(output)));
    await until('the "Flux logs" status bar item to go', async () => (await stopItem.count()) === 0 || !(await stopItem.first().isVisible()));
  });

  scenario('Check Decryption reports which SOPS files the cluster can decrypt, and shows no private key', async () => {
    // A Kustomization that decrypts with the age key of Secret flux-system/sops-age, in the workspace and in the
    // cluster; one file encrypted to that key, one to a key the cluster lacks.
    const [clusterKey, otherKey] = await Promise.all([newAgeKey(), newAgeKey()]);
    const ws = (rel: string, body: string): void => {
      fs.mkdirSync(path.dirname(path.join(editor.workspace, rel)), { recursive: true });
      fs.writeFileSync(path.join(editor.workspace, rel), body);
    };
    const re = '^(data|stringData)$';
    ws('clusters/prod/secrets.yaml', 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: secrets\n  namespace: flux-system\n'
      + 'spec:\n  interval: 10m\n  path: ./secrets\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n'
      + '  decryption:\n    provider: sops\n    secretRef:\n      name: sops-age\n');
    ws('secrets/db.yaml', await makeSopsFile(secretDoc('db', 'apps', { password: 'e2e-db-password' }), { age: [clusterKey.recipient], encryptedRegex: re }));
    ws('secrets/api-token.yaml', await makeSopsFile(secretDoc('api-token', 'apps', { token: 'e2e-api-token' }), { age: [otherKey.recipient], encryptedRegex: re }));
    fixture.server.upsert({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'flux-system' }, type: 'Opaque',
      data: { 'age.agekey': Buffer.from(`${clusterKey.identity}\n`).toString('base64') } });
    addKustomization(fixture.server, { namespace: 'flux-system', name: 'secrets', path: './secrets', spec: { decryption: { provider: 'sops', secretRef: { name: 'sops-age' } } } } as Parameters<typeof addKustomization>[1]);

    // From the tree item: the check of the files that Kustomization applies, live.
    await command('Flux: Focus on Cluster View');
    // The visible row of the new Kustomization (the Flux view's; the hidden Explorer has a secrets/ folder row too).
    const row = page.locator('.monaco-list-row:visible:has-text("secrets")').first();
    await row.waitFor({ state: 'visible' });
    await row.click({ button: 'right' });
    await chooseMenuItem('Check Decryption');
    await until('the report editor', async () => {
      const failed = (await page.locator('.notification-toast .notification-list-item-message').allInnerTexts()).map(text).find((t) => /Check Decryption|decrypt/i.test(t) && !/SOPS file\(s\)/.test(t));
      if (failed) throw new Error(`the command reported: ${failed}`);
      return (await page.title()).startsWith('SOPS decryption report.txt');
    });
    const editorSel = '.editor-instance .monaco-editor';
    const report = await until('the report of both files', async () => {
      const t = await shownLines(editorSel);
      return t.includes('secrets/db.yaml') && t.includes('secrets/api-token.yaml') ? t : undefined;
    });
    // Long lines wrap in the editor (one .view-line per screen line): compare without the white space.
    const flat = report.replace(/\s+/g, '');
    const has = (re: string): boolean => flat.includes(re.replace(/\s+/g, ''));
    assert.ok(has('(live: context fake)'), report);
    assert.ok(has(`Kustomization flux-system/secrets can decrypt secrets/db.yaml with key age.agekey (age ${clusterKey.recipient}`), report);
    assert.ok(has(`the file wants age:${otherKey.recipient}`), report);
    assert.ok(!report.includes('fleet/'), 'only the files the Kustomization applies are checked');
    const toast = await until('the result notification', async () => (await page.locator('.notification-toast').allInnerTexts()).map(text).find((t) => /SOPS file\(s\)/.test(t)));
    assert.match(toast, /1 of 2 SOPS file\(s\) cannot be decrypted where they are applied/);
    await shot('decrypt-report');
    // Nothing the page shows holds a private key or a decrypted value.
    const all = text(await page.locator('body').innerText());
    for (const secret of [clusterKey.identity, otherKey.identity, 'AGE-SECRET-KEY-', 'e2e-db-password', 'e2e-api-token']) assert.ok(!all.includes(secret), `the page shows ${secret.slice(0, 16)}…`);
  });

  // The watch error rows are what the explorer shows today when the API server goes away; greying the objects and the
  // status bar (the explorer's "honest state") belongs to the cluster explorer's own issue.
  scenario('stopping the API server marks the tree disconnected and its objects stale, and restarting it recovers', async () => {
    const disconnected = async (): Promise<string[]> => (await fluxTreeRows()).filter((r) => /disconnected since/.test(r));
    assert.deepEqual(await disconnected(), [], 'disconnected rows before the API server stops');
    await fixture.server.down();
    try {
      await until('the tree to say disconnected', async () => (await disconnected()).length > 0, 2 * STEP_MS);
      // Objects are greyed as stale, never shown as healthy, while the cluster is away.
      await until('stale objects in the tree', async () => (await fluxTreeRows()).some((r) => /infrastructure/.test(r) && /stale/.test(r)), STEP_MS);
      await shot('api-server-down');
    } finally {
      await fixture.server.up();
    }
    await until('the tree to recover once the API server is back', async () => (await disconnected()).length === 0, 2 * STEP_MS);
    assert.ok((await fluxTreeRows()).some((r) => /infrastructure/.test(r) && !/stale/.test(r)));
  });
});
