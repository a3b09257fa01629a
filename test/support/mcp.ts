// Real MCP servers for the tests: the reference servers from npm (@modelcontextprotocol/server-everything,
// server-filesystem) and the crashing one written for the suite (test/fixtures/mcp/crashy-server.mjs).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { McpServerConfig } from '../../server/mcp/config';
import { createLogger, type Logger } from '../../server/log';

const ROOT = join(__dirname, '../..');
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = join(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
export const CRASHY = join(ROOT, 'test/fixtures/mcp/crashy-server.mjs');
export const HOSTILE = join(ROOT, 'test/fixtures/mcp/hostile-server.mjs');

export const everythingStdio: McpServerConfig = { type: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'] };
export const crashyStdio: McpServerConfig = { type: 'stdio', command: process.execPath, args: [CRASHY] };
export const hostileStdio: McpServerConfig = { type: 'stdio', command: process.execPath, args: [HOSTILE] };
export const filesystemStdio = (dir: string): McpServerConfig => ({ type: 'stdio', command: process.execPath, args: [FILESYSTEM, dir] });

/** A logger that keeps its lines (stderr of MCP servers ends up here). */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger(() => 'debug', (level, line) => lines.push(`${level}: ${line}`)), { lines });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The everything server over streamable HTTP (`/mcp`) or legacy SSE (`/sse`), on a free port; reached at 127.0.0.1. */
export async function startEverythingHttp(transport: 'streamableHttp' | 'sse', fixedPort?: number): Promise<{ url: string; port: number; child: ChildProcess; close(): Promise<void> }> {
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, [EVERYTHING, transport], { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`everything ${transport} did not start:\n${out}`)), 20_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (/listening on port|running on port/i.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`everything ${transport} exited (${code}):\n${out}`)));
  });
  const url = `http://127.0.0.1:${port}/${transport === 'sse' ? 'sse' : 'mcp'}`;
  return {
    url,
    port,
    child,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
