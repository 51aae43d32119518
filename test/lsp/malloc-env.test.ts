/**
 * server/src/lsp/malloc-env.ts: the language server's process starts with glibc's malloc tunables (memory after
 * a large file closes), unless the user set them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SERVER_MALLOC_TUNABLES, serverMallocEnv } from '../../server/src/lsp/malloc-env';
import { LspClient } from './lsp-client';

test('serverMallocEnv adds each tunable the environment lacks and keeps the ones the user set', () => {
  assert.deepEqual(serverMallocEnv({ PATH: '/bin' }), { MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' });
  assert.deepEqual(serverMallocEnv({ MALLOC_ARENA_MAX: '8' }), { MALLOC_TRIM_THRESHOLD_: '131072', MALLOC_MMAP_THRESHOLD_: '131072' });
  assert.deepEqual(serverMallocEnv({ ...SERVER_MALLOC_TUNABLES }), {});
});

test('the server started over Node IPC, as VS Code starts it, runs with the tunables', { skip: process.platform !== 'linux' ? 'reads /proc/PID/environ (Linux only)' : false }, async () => {
  const client = LspClient.overNodeIpc();
  try {
    await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
    const environ = fs.readFileSync(`/proc/${client.proc.pid}/environ`, 'utf8').split('\0');
    for (const [name, value] of Object.entries(SERVER_MALLOC_TUNABLES)) {
      const expected = process.env[name] ?? value;
      assert.ok(environ.includes(`${name}=${expected}`), `${name}=${expected} not in the server's environment`);
    }
  } finally {
    await client.shutdown();
  }
});
