/**
 * Language server entry point (dist/server.js). The transport comes from the command line:
 * `--stdio`, `--node-ipc` or `--socket=N`, as vscode-languageserver reads them.
 */
import { startLanguageServer } from './lsp/language-server';
import { installCrashGuards } from './lsp/crash-guards';
import { transportFromArgv } from './lsp/transport';

const { connection, outputBacklog } = transportFromArgv();
installCrashGuards((msg) => connection.console.error(msg));
startLanguageServer(connection, { outputBacklog });
