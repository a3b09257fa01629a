// Serves the chat panel bundle the way the extension's host page does (same CSP, nonce'd script),
// with a stub acquireVsCodeApi that records posted messages on window.__posted.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = resolve(__dirname, '..', '..');

/** Builds dist-equivalent webview.js/webview.css into a temp dir (never touches dist/). */
export async function buildWebview(): Promise<{ dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'swarmcode-webview-'));
  await Promise.all([
    esbuild.build({
      absWorkingDir: ROOT, bundle: true, sourcemap: false, logLevel: 'warning', legalComments: 'none',
      platform: 'browser', target: 'chrome120', format: 'iife',
      entryPoints: ['webview/main.ts'], outfile: join(dir, 'webview.js'),
    }),
    esbuild.build({
      absWorkingDir: ROOT, bundle: true, logLevel: 'warning',
      entryPoints: ['webview/style.css'], outfile: join(dir, 'webview.css'),
    }),
  ]);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A dark theme's worth of the variables VS Code injects into every webview. */
const THEME_CSS = `html {
  --vscode-font-family: "DejaVu Sans", system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 12px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f85149;
  --vscode-sideBar-background: #181818; --vscode-editor-background: #1f1f1f;
  --vscode-editorWidget-background: #202020; --vscode-widget-border: #313131; --vscode-panel-border: #2b2b2b;
  --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff; --vscode-button-hoverBackground: #026ec1;
  --vscode-button-secondaryBackground: #313131; --vscode-button-secondaryForeground: #cccccc;
  --vscode-input-background: #313131; --vscode-input-border: #3c3c3c; --vscode-input-foreground: #cccccc;
  --vscode-input-placeholderForeground: #989898; --vscode-focusBorder: #0078d4;
  --vscode-textLink-foreground: #4daafc; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8;
  --vscode-dropdown-background: #313131; --vscode-dropdown-foreground: #cccccc; --vscode-dropdown-border: #3c3c3c;
  --vscode-list-hoverBackground: #2a2d2e; --vscode-list-activeSelectionBackground: #04395e;
  --vscode-quickInput-background: #222222; --vscode-toolbar-hoverBackground: rgba(90, 93, 94, 0.31);
  --vscode-testing-iconPassed: #73c991; --vscode-editorWarning-foreground: #cca700;
  --vscode-inputValidation-errorBackground: #5a1d1d; --vscode-inputValidation-errorBorder: #be1100;
}`;

export interface Harness {
  url: string;
  /** The same page without any CSP: proves the sanitizer alone stops model-supplied script. */
  urlNoCsp: string;
  close(): Promise<void>;
}

export async function startHarness(bundleDir: string): Promise<Harness> {
  const js = readFileSync(join(bundleDir, 'webview.js'));
  const css = readFileSync(join(bundleDir, 'webview.css'));
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/webview.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    if (url.pathname === '/webview.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end(css);
    if (url.pathname === '/theme.css') return void res.writeHead(200, { 'content-type': 'text/css' }).end(THEME_CSS);
    if (url.pathname !== '/') return void res.writeHead(404).end();
    const nonce = randomBytes(16).toString('base64');
    const csp = `default-src 'none'; img-src ${origin} data: blob:; style-src ${origin}; script-src 'nonce-${nonce}'; font-src ${origin}`;
    const cspMeta = url.searchParams.get('csp') === '0' ? '' : `<meta http-equiv="Content-Security-Policy" content="${csp}">`;
    const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">${cspMeta}
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${origin}/theme.css">
<link rel="stylesheet" href="${origin}/webview.css">
<title>SwarmCode</title></head>
<body><div id="app"></div>
<script nonce="${nonce}">
window.__posted = []; window.__state = undefined; window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
window.acquireVsCodeApi = () => ({
  postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
  getState: () => window.__state,
  setState: (s) => { window.__state = s; },
});
</script>
<script nonce="${nonce}" src="${origin}/webview.js"></script>
</body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    urlNoCsp: `http://127.0.0.1:${port}/?csp=0`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
