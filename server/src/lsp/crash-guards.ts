/**
 * Keeps the server process alive when a handler throws asynchronously: the error is
 * logged and the server keeps serving.
 */
export function installCrashGuards(log: (message: string) => void): void {
  process.on('uncaughtException', (err) => log(`flux-workbench: uncaught exception: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (reason) => log(`flux-workbench: unhandled rejection: ${reason instanceof Error ? reason.stack ?? reason.message : String(reason)}`));
}
