// Network by host: when the sandbox has no network but the user allowed some hosts, commands reach
// them through this HTTP proxy (CONNECT for HTTPS, absolute-URI requests for HTTP), which listens
// on a unix socket bound into the sandbox and connects only to allowed hosts. Inside, a small Node
// bridge (BRIDGE_JS) turns 127.0.0.1:PROXY_PORT into that socket, since clients speak TCP to proxies
// (HTTP_PROXY / HTTPS_PROXY, as curl, npm, pip and git read them).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Port of the bridge inside the sandbox's own network namespace (nothing else listens there). */
export const PROXY_PORT = 3128;

/** True when `host` is one of `allowed` (exact, or `*.example.com` / `.example.com` for subdomains). */
export function hostAllowed(host: string, allowed: string[]): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return allowed.some((a) => {
    const e = a.trim().toLowerCase();
    if (e.startsWith('*.') || e.startsWith('.')) {
      const suffix = e.slice(e.indexOf('.'));
      return h.endsWith(suffix) || h === suffix.slice(1);
    }
    return h === e;
  });
}

function splitHostPort(authority: string, defPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority) ?? /^([^:]+)(?::(\d+))?$/.exec(authority);
  return { host: m?.[1] ?? authority, port: Number(m?.[2] ?? defPort) };
}

export class HostProxy {
  private server?: http.Server;
  private dir?: string;
  socketPath?: string;

  constructor(private readonly allowed: () => string[]) {}

  /** Starts listening (once); returns the folder holding the socket, to bind into the sandbox. */
  start(): { dir: string; socket: string } {
    if (this.dir && this.socketPath) return { dir: this.dir, socket: this.socketPath };
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swarmcode-proxy-'));
    this.socketPath = path.join(this.dir, 'proxy.sock');
    const server = http.createServer((req, res) => this.forward(req, res));
    server.on('connect', (req: http.IncomingMessage, sock: net.Socket, head: Buffer) => this.tunnel(req, sock, head));
    server.on('clientError', (_err, sock) => sock.destroy());
    server.listen(this.socketPath);
    server.unref();
    this.server = server;
    const dir = this.dir;
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return { dir: this.dir, socket: this.socketPath };
  }

  close(): void {
    this.server?.close();
    if (this.dir) fs.rmSync(this.dir, { recursive: true, force: true });
    this.server = this.dir = this.socketPath = undefined;
  }

  private tunnel(req: http.IncomingMessage, sock: net.Socket, head: Buffer): void {
    const { host, port } = splitHostPort(req.url ?? '', 443);
    sock.on('error', () => undefined);
    if (!hostAllowed(host, this.allowed())) {
      sock.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\nSwarmCode sandbox: ${host} is not in the allowed hosts\n`);
      return;
    }
    const up = net.connect(port, host, () => {
      sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(sock);
      sock.pipe(up);
    });
    up.on('error', () => sock.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    sock.on('close', () => up.destroy());
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('SwarmCode sandbox proxy: absolute http:// URL expected\n');
      return;
    }
    if (url.protocol !== 'http:' || !hostAllowed(url.hostname, this.allowed())) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`SwarmCode sandbox: ${url.hostname} is not in the allowed hosts\n`);
      return;
    }
    const up = http.request({ host: url.hostname, port: url.port || 80, method: req.method, path: url.pathname + url.search, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end()));
    req.pipe(up);
  }
}

/**
 * Runs inside the sandbox as `node -e BRIDGE_JS SOCKET PORT argv…`: listens on 127.0.0.1:PORT,
 * pipes each connection to SOCKET, runs argv and exits as it does.
 */
export const BRIDGE_JS = `
const net = require('net'), cp = require('child_process');
const [sock, port, ...argv] = process.argv.slice(1);
const srv = net.createServer((c) => {
  const u = net.connect(sock);
  c.pipe(u); u.pipe(c);
  c.on('error', () => u.destroy()); u.on('error', () => c.destroy());
});
srv.listen(Number(port), '127.0.0.1', () => {
  const ch = cp.spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  ch.on('error', (e) => { process.stderr.write(String(e.message) + '\\n'); process.exit(127); });
  ch.on('exit', (code, sig) => { if (sig) process.kill(process.pid, sig); else process.exit(code ?? 1); });
});
`;
