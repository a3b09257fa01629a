// "SwarmCode: Screenshot to component…": pick a design image, a target kind and an output
// path; the server runs the render-compare loop (swarm/visual) and streams every iteration
// (swarm/visualProgress) into a preview panel. The same flow starts from an image pasted or
// attached in the chat (the command with an ImageInput argument) or from a file (a Uri argument).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { VisualProgressNotification, VisualRequest, type ImageInput, type VisualParams, type VisualTargetKind } from '../../server/protocol';
import type { Ctx } from '../context';
import { VisualPanel } from './panel';
import { VisualProgressRouter } from './progress';

export const COMMAND = 'swarmcode.screenshotToComponent';

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };
export const SUPPORTED_MIME = new Set(Object.values(MIME));

/** An image handed over by the chat panel; `name` seeds the output file name. */
export type ImageArg = ImageInput & { name?: string };

function isImageArg(v: unknown): v is ImageArg {
  return !!v && typeof v === 'object' && typeof (v as ImageArg).mimeType === 'string' && typeof (v as ImageArg).data === 'string';
}

async function pickImage(folder: vscode.WorkspaceFolder): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Use this design',
    filters: { Images: ['png', 'jpg', 'jpeg', 'webp'] },
    defaultUri: folder.uri,
  });
  return picked?.[0];
}

/** Target kind and output path; `base` is the suggested file name without extension. */
async function askTarget(folder: vscode.WorkspaceFolder, base: string): Promise<{ kind: VisualTargetKind; output: vscode.Uri } | undefined> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: 'HTML + CSS', description: 'one self-contained .html file', target: 'html' as const },
      { label: 'React (TSX)', description: 'a function component, default export', target: 'react' as const },
    ],
    { placeHolder: 'Generate which kind of component?' },
  );
  if (!choice) return undefined;
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
  return { kind: choice.target, output };
}

/**
 * The command: with no argument it asks for an image file; a Uri argument is that file; an
 * ImageInput argument (the chat panel's "→ Component") is the image itself.
 */
export async function screenshotToComponent(ctx: Ctx, router: VisualProgressRouter, arg?: unknown): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('SwarmCode: open a folder first; the component is written into the workspace.');
    return;
  }
  let image: ImageInput;
  let base = 'component';
  if (isImageArg(arg)) {
    if (!SUPPORTED_MIME.has(arg.mimeType)) {
      void vscode.window.showErrorMessage(`SwarmCode: ${arg.mimeType} is not supported for screenshot to component; use a PNG, JPEG or WebP image.`);
      return;
    }
    image = { mimeType: arg.mimeType, data: arg.data };
    base = arg.name?.replace(/\.[^.]+$/, '').replace(/[^\w-]+/g, '-').replace(/^-+|-+$/g, '') || base;
  } else {
    const file = arg instanceof vscode.Uri ? arg : await pickImage(folder);
    if (!file) return;
    image = { mimeType: MIME[extname(file.fsPath).toLowerCase()] ?? 'image/png', data: (await readFile(file.fsPath)).toString('base64') };
    base = file.path.replace(/^.*\//, '').replace(/\.[^.]+$/, '') || base;
  }
  const answers = await askTarget(folder, base);
  if (!answers) return;
  if (ctx.client.state !== State.Running) {
    void vscode.window.showErrorMessage('SwarmCode: the backend is not running yet; try again in a moment.');
    return;
  }
  await runVisual(ctx, router, image, answers.kind, answers.output);
}

async function runVisual(ctx: Ctx, router: VisualProgressRouter, image: ImageInput, kind: VisualTargetKind, output: vscode.Uri): Promise<void> {
  const runId = randomUUID();
  const outputPath = vscode.workspace.asRelativePath(output, false);
  const params: VisualParams = { runId, image, target: kind, outputPath };
  const panel = new VisualPanel(`Screenshot → ${outputPath}`);
  void panel.post({ type: 'start', runId, target: `data:${image.mimeType};base64,${image.data}`, outputPath, kind: kind === 'react' ? 'React component' : 'HTML' });
  const sub = router.subscribe(runId, (p) => void panel.post({ type: 'iteration', iteration: p.iteration }));
  ctx.log(`visual ${runId}: ${kind} → ${outputPath}`);
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SwarmCode: screenshot → ${outputPath}`, cancellable: true },
      (progress, token) => {
        const progSub = router.subscribe(runId, (p) =>
          progress.report({ message: `round ${p.iteration.round}: score ${p.iteration.score.toFixed(3)} (best ${p.iteration.best.toFixed(3)})` }),
        );
        return ctx.client.sendRequest(VisualRequest, params, token).finally(() => progSub.dispose());
      },
    );
    void panel.post({ type: 'done', result });
    ctx.log(`visual ${runId}: ${result.status} best ${result.bestScore.toFixed(3)} after ${result.rounds} round(s)`);
    if (result.status === 'done') {
      await vscode.window.showTextDocument(output, { viewColumn: vscode.ViewColumn.One, preview: false });
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
  const router = new VisualProgressRouter();
  return vscode.Disposable.from(
    // The only swarm/visualProgress handler on the client (see ./progress).
    ctx.client.onNotification(VisualProgressNotification, (p) => router.dispatch(p)),
    vscode.commands.registerCommand(COMMAND, (arg?: unknown) => screenshotToComponent(ctx, router, arg)),
  );
}
