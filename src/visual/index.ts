// "SwarmCode: Screenshot to component…": pick a design image, a target kind and an output
// path; the server runs the render-compare loop (swarm/visual) and streams every iteration
// (swarm/visualProgress) into a preview panel.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { VisualProgressNotification, VisualRequest, type VisualParams, type VisualTargetKind } from '../../server/protocol';
import type { Ctx } from '../context';
import { VisualPanel } from './panel';

export const COMMAND = 'swarmcode.screenshotToComponent';

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

async function ask(): Promise<{ image: vscode.Uri; kind: VisualTargetKind; output: vscode.Uri } | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('SwarmCode: open a folder first; the component is written into the workspace.');
    return undefined;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Use this design',
    filters: { Images: ['png', 'jpg', 'jpeg', 'webp'] },
    defaultUri: folder.uri,
  });
  if (!picked?.[0]) return undefined;
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'HTML + CSS', description: 'one self-contained .html file', target: 'html' as const },
      { label: 'React (TSX)', description: 'a function component, default export', target: 'react' as const },
    ],
    { placeHolder: 'Generate which kind of component?' },
  );
  if (!choice) return undefined;
  const base = picked[0].path.replace(/^.*\//, '').replace(/\.[^.]+$/, '') || 'component';
  const name = choice.target === 'react' ? `${base.replace(/(^|[-_\s]+)(\w)/g, (_, __, c: string) => c.toUpperCase())}.tsx` : `${base}.html`;
  const output = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.joinPath(folder.uri, name),
    saveLabel: 'Write component here',
    filters: choice.target === 'react' ? { React: ['tsx', 'jsx'] } : { HTML: ['html', 'htm'] },
  });
  if (!output) return undefined;
  if (!vscode.workspace.getWorkspaceFolder(output)) {
    void vscode.window.showErrorMessage('SwarmCode: the output file must be inside the workspace.');
    return undefined;
  }
  return { image: picked[0], kind: choice.target, output };
}

export async function screenshotToComponent(ctx: Ctx): Promise<void> {
  const answers = await ask();
  if (!answers) return;
  if (ctx.client.state !== State.Running) {
    void vscode.window.showErrorMessage('SwarmCode: the backend is not running yet; try again in a moment.');
    return;
  }
  const mimeType = MIME[extname(answers.image.fsPath).toLowerCase()] ?? 'image/png';
  const data = (await readFile(answers.image.fsPath)).toString('base64');
  const runId = randomUUID();
  const outputPath = vscode.workspace.asRelativePath(answers.output, false);
  const params: VisualParams = { runId, image: { mimeType, data }, target: answers.kind, outputPath };
  const panel = new VisualPanel(`Screenshot → ${outputPath}`);
  void panel.post({ type: 'start', runId, target: `data:${mimeType};base64,${data}`, outputPath, kind: answers.kind === 'react' ? 'React component' : 'HTML' });
  const sub = ctx.client.onNotification(VisualProgressNotification, (p) => {
    if (p.runId === runId) void panel.post({ type: 'iteration', iteration: p.iteration });
  });
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SwarmCode: screenshot → ${outputPath}`, cancellable: true },
      (progress, token) => {
        const progSub = ctx.client.onNotification(VisualProgressNotification, (p) => {
          if (p.runId === runId) progress.report({ message: `round ${p.iteration.round}: score ${p.iteration.score.toFixed(3)} (best ${p.iteration.best.toFixed(3)})` });
        });
        return ctx.client.sendRequest(VisualRequest, params, token).finally(() => progSub.dispose());
      },
    );
    void panel.post({ type: 'done', result });
    ctx.log(`visual ${runId}: ${result.status} best ${result.bestScore.toFixed(3)} after ${result.rounds} round(s)`);
    if (result.status === 'done') {
      await vscode.window.showTextDocument(answers.output, { viewColumn: vscode.ViewColumn.One, preview: false });
    } else if (result.status === 'failed') {
      void vscode.window.showErrorMessage(`SwarmCode: screenshot to component failed: ${result.error ?? 'unknown error'}`);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`SwarmCode: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    sub.dispose();
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND, () => screenshotToComponent(ctx));
}
