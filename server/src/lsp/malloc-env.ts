/**
 * The environment the language server's process starts with: glibc malloc tunables, read once when a process
 * starts (so they are set by whoever spawns the server: the extension's client, the tests' and the bench's LSP
 * client; an editor that runs `flux-workbench lsp` itself can set them the same way).
 *
 * Why: after a large file is analysed and closed, V8 gives its own pages back (memory.ts), but what V8's worker
 * threads allocated through malloc (the concurrent compiler's and the collector's working memory) stays in
 * glibc's per-thread arenas, freed but mapped. Measured with the bench's workload (a 5,000-document fleet open,
 * then a 7 MB file opened and closed; three runs each, Node 22): RSS rose 12-22 MB and stayed there; smaps put
 * the growth in the 64 MB-aligned thread arenas. With at most two arenas and fixed trim and mmap thresholds of
 * 128 KB (glibc's default start values, which otherwise grow after large frees), it rose -4 to +2 MB, and the
 * workspace's baseline was ~10 MB lower (116-121 MB against 129-132). The time to the 7 MB file's diagnostics
 * was unchanged (5.8-6.1 s both ways).
 *
 * A value the user set already is kept. Other C libraries (musl, macOS, Windows) ignore these names. Under
 * VS Code's own Electron runtime malloc may not be glibc's: there they may do nothing (not measured).
 */
export const SERVER_MALLOC_TUNABLES: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** The tunables to add to `parent` (the spawner's environment) for the server's process: those `parent` lacks. */
export function serverMallocEnv(parent: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(SERVER_MALLOC_TUNABLES)) if (parent[name] === undefined) env[name] = value;
  return env;
}
