/**
 * Language server entry point (dist/server.js). The transport comes from the command line:
 * `--stdio`, `--node-ipc` or `--socket=N`, as vscode-languageserver reads them.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './lsp/language-server';
import { installCrashGuards } from './lsp/crash-guards';

const connection = createConnection(ProposedFeatures.all);
installCrashGuards((msg) => connection.console.error(msg));
startLanguageServer(connection);
