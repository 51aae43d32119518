/**
 * The language server's connection, with a way to tell whether its output is still being written.
 *
 * An answer handed to the connection may leave the process later: Node IPC writes it asynchronously (process.send's
 * callback says when it is written), and a pipe that is full takes the rest of a large answer at each poll of the
 * event loop (process.stdout writes pipes synchronously on Linux, asynchronously elsewhere). While an analysis
 * runs, the loop polls once per slice, so such an answer waited for slices of analysis. The scheduler holds the
 * analysis while `outputBacklog()` says bytes are waiting (scheduler.ts, `hold`); language-server.ts adds the
 * answers the connection has not yet handed to its writer.
 */
import { AbstractMessageWriter, createConnection, IPCMessageReader, ProposedFeatures, type Connection, type Message, type MessageWriter } from 'vscode-languageserver/node';

export interface LspTransport {
  connection: Connection;
  /** True while messages handed to the connection are not yet written to the transport. */
  outputBacklog(): boolean;
}

/**
 * Node IPC (how VS Code starts the server): vscode-jsonrpc's IPC writer resolves its write at once, so this one
 * counts the messages `process.send` has not yet written (its callback runs when the write completed).
 */
export class CountingIpcWriter extends AbstractMessageWriter implements MessageWriter {
  pending = 0;
  private errors = 0;

  constructor(private readonly target: Pick<NodeJS.Process, 'send'> = process) {
    super();
  }

  write(msg: Message): Promise<void> {
    if (typeof this.target.send !== 'function') return Promise.resolve();
    this.pending++;
    try {
      this.target.send(msg, undefined, undefined, (error: Error | null) => {
        this.pending--;
        if (error) this.fireError(error, msg, ++this.errors);
        else this.errors = 0;
      });
    } catch (error) {
      this.pending--;
      this.fireError(error, msg, ++this.errors);
      return Promise.reject(error);
    }
    return Promise.resolve();
  }

  end(): void {}
}

/** Over stdio: the output stream's buffered bytes. */
export function stdioTransport(): LspTransport {
  const connection = createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  return { connection, outputBacklog: () => process.stdout.writableLength > 0 };
}

/**
 * The transport the command line names, as vscode-languageserver reads it (`--node-ipc`, `--stdio`,
 * `--socket=N`, `--pipe=NAME`). For sockets and pipes the backlog is not tracked (always false).
 */
export function transportFromArgv(): LspTransport {
  const argv = process.argv.slice(2);
  if (argv.includes('--node-ipc')) {
    const writer = new CountingIpcWriter();
    return { connection: createConnection(ProposedFeatures.all, new IPCMessageReader(process), writer), outputBacklog: () => writer.pending > 0 };
  }
  // The library's own --stdio (it also sends console output to the client's log) writes to process.stdout.
  const stdio = argv.includes('--stdio');
  return { connection: createConnection(ProposedFeatures.all), outputBacklog: () => stdio && process.stdout.writableLength > 0 };
}
