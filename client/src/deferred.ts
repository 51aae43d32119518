/**
 * The libraries the extension needs only after activate() has returned, in a bundle of their own
 * (dist/deferred.js, see server/scripts/build.mjs): the language client (vscode-languageclient, ~350 KB bundled),
 * which lsp.ts loads when it starts the client, and the workspace index (with the yaml parser, ~140 KB), which
 * "Open Definition in Workspace" uses. Keeping them out of dist/client.js keeps activation quick. Load it with
 * loadDeferred() (load-deferred.ts).
 */
export { LanguageClient, TransportKind } from 'vscode-languageclient/node';
export { WorkspaceIndex } from '../../server/src/engine/index';
