// The preview panel host: one WebviewPanel per visual run.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelHtml, type PanelMessage } from './panel-html';

export class VisualPanel {
  private readonly panel: vscode.WebviewPanel;
  private ready: Promise<void>;
  private disposed = false;

  constructor(title: string) {
    this.panel = vscode.window.createWebviewPanel('swarmcode.visual', title, vscode.ViewColumn.Beside, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    this.panel.webview.html = panelHtml(randomBytes(16).toString('base64'), this.panel.webview.cspSource);
    this.ready = new Promise((resolve) => {
      const sub = this.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m?.type === 'ready') {
          sub.dispose();
          resolve();
        }
      });
      setTimeout(resolve, 5_000); // never block the run on the panel
    });
    this.panel.onDidDispose(() => (this.disposed = true));
  }

  get onDidDispose(): vscode.Event<void> {
    return this.panel.onDidDispose;
  }

  async post(message: PanelMessage): Promise<void> {
    await this.ready;
    if (!this.disposed) await this.panel.webview.postMessage(message);
  }
}
