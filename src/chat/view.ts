// The SwarmCode chat panel: a WebviewView hosting dist/webview.js under a strict CSP.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ToExtension, ToWebview } from '../../webview/messages';
import type { Ctx } from '../context';

export const VIEW_ID = 'swarmcode.chat';

/** The panel's HTML: one root element, the bundle under a nonce, nothing inline. */
export function renderHtml(opts: { cspSource: string; scriptUri: string; styleUri: string; nonce: string }): string {
  const { cspSource, scriptUri, styleUri, nonce } = opts;
  const csp = [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${styleUri}">
<title>SwarmCode</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${scriptUri}"></script>
</body>
</html>`;
}

class ChatViewProvider implements vscode.WebviewViewProvider {
  constructor(private readonly ctx: Ctx) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const { extensionUri } = this.ctx.extension;
    const dist = vscode.Uri.joinPath(extensionUri, 'dist');
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: [dist, vscode.Uri.joinPath(extensionUri, 'media')] };
    webview.html = renderHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
      nonce: randomBytes(16).toString('base64'),
    });
    const post = (message: ToWebview) => void webview.postMessage(message);
    const detach = this.ctx.chat.attach(post);
    const received = webview.onDidReceiveMessage((message: ToExtension) => {
      this.ctx.chat.handle(message).catch((err: unknown) => this.ctx.log(`chat message ${message?.type} failed: ${String(err)}`));
    });
    view.onDidDispose(() => {
      received.dispose();
      detach.dispose();
    });
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.window.registerWebviewViewProvider(VIEW_ID, new ChatViewProvider(ctx), {
    webviewOptions: { retainContextWhenHidden: true },
  });
}
