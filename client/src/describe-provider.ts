/**
 * Read-only `flux-describe:` documents: the object as YAML with a status header, fetched fresh
 * from the cluster each time VS Code asks for the content.
 */
import * as vscode from 'vscode';
import type { ObjectKey } from '../../server/src/cluster/types';
import type { Ctx } from './ctx';
import { describePath, parseDescribePath } from './format';
import { errorMessage } from './messages';

export const DESCRIBE_SCHEME = 'flux-describe';

export class DescribeProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly ctx: Ctx) {}

  uriFor(context: string, key: ObjectKey): vscode.Uri {
    return vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path: describePath(context, key) });
  }

  /** Asks VS Code to fetch the content again (an open document is updated in place). */
  refresh(uri: vscode.Uri): void {
    this.emitter.fire(uri);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const parsed = parseDescribePath(uri.path);
    if (!parsed) return `# not a Flux object address: ${uri.toString()}\n`;
    const session = await this.ctx.ensureSession();
    if (!session || session.context !== parsed.context) {
      return `# ${parsed.key.kind} ${parsed.key.namespace}/${parsed.key.name}: context ${parsed.context} is not the current context (${session?.context ?? 'none'}); switch with Flux: Select Context\n`;
    }
    const rt = await this.ctx.runtime();
    try {
      return await rt.describe(session.conn, parsed.key);
    } catch (err) {
      return `# ${errorMessage(err).text}\n`;
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
