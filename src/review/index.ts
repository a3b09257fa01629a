// Review of a run's edits (issue 4): after a run (or refactor) that changed files, its files are
// listed in the Changes view (swarm/changes), each with VS Code's diff editor against the
// checkpoint, and accepted or rejected per file or all at once (swarm/accept, swarm/reject).
// "Undo last run" rolls the newest run back. At start, runs interrupted by a server crash are
// offered for restore (swarm/checkpoints).
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import {
  AcceptRequest,
  ChangesRequest,
  CheckpointsRequest,
  RejectRequest,
  RemoveWorktreeRequest,
  type ChangedFile,
  type CheckpointInfo,
} from '../../server/protocol';
import type { Ctx } from '../context';
import { CHECKPOINT_SCHEME, ReviewModel, splitCheckpoints } from './model';
import { ChangesTree, CheckpointContent, OPEN_DIFF, VIEW_ID, openDiff, type ReviewNode } from './tree';
import { ACCEPT_HUNK, HunkLenses, REJECT_HUNK, hunkUnderCursor, type HunkRef } from './lens';

export const SHOW = 'swarmcode.review.show';
export const ACCEPT = 'swarmcode.review.accept';
export const REJECT = 'swarmcode.review.reject';
export const ACCEPT_ALL = 'swarmcode.review.acceptAll';
export const REJECT_ALL = 'swarmcode.review.rejectAll';
export const REFRESH = 'swarmcode.review.refresh';
export const UNDO_LAST_RUN = 'swarmcode.undoLastRun';
export const REMOVE_WORKTREE = 'swarmcode.review.removeWorktree';

/** Runs whose own command reports the end (the refactor): listed without the "changed N files" notification. */
const quiet = new Set<string>();

export function reviewQuietly(runId: string): void {
  quiet.add(runId);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

class Review implements vscode.Disposable {
  readonly model = new ReviewModel();
  readonly tree = new ChangesTree(this.model);
  readonly lenses = new HunkLenses(this.model);
  readonly view: vscode.TreeView<ReviewNode>;
  /** Tasks of the runs seen this session (run_started), for the labels. */
  private readonly tasks = new Map<string, string>();

  constructor(private readonly ctx: Ctx) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.tree });
  }

  private running(): boolean {
    return this.ctx.client.state === State.Running;
  }

  noteTask(runId: string, task: string): void {
    this.tasks.set(runId, task);
  }

  private changed(): void {
    this.tree.refresh();
    this.lenses.refresh();
    const n = this.model.fileCount();
    this.view.badge = n ? { value: n, tooltip: `${n} changed file${n === 1 ? '' : 's'} to review` } : undefined;
    void vscode.commands.executeCommand('setContext', 'swarmcode.hasChanges', n > 0);
  }

  /** Fetches a run's changes into the view; undefined when the run has no journal (nothing to review). */
  async load(runId: string, task?: string): Promise<ChangedFile[] | undefined> {
    if (!this.running()) return undefined;
    try {
      const res = await this.ctx.client.sendRequest(ChangesRequest, { runId, withContent: true });
      this.model.set(runId, task ?? this.tasks.get(runId) ?? this.model.get(runId)?.task ?? '', res.state, res.files, res.keptWorktrees);
      this.changed();
      return res.files;
    } catch (err) {
      // No journal: the run wrote nothing, or everything was decided already.
      this.ctx.log(`swarm/changes ${runId}: ${message(err)}`);
      this.model.remove(runId);
      this.changed();
      return undefined;
    }
  }

  /** After a run ended: list its changes and tell the user. */
  async afterRun(runId: string): Promise<void> {
    const files = (await this.load(runId))?.filter((f) => f.change !== 'unchanged');
    if (quiet.delete(runId) || !files?.length) return;
    const n = files.length;
    const choice = await vscode.window.showInformationMessage(
      `SwarmCode changed ${n} file${n === 1 ? '' : 's'}: ${files.slice(0, 3).map((f) => f.path).join(', ')}${n > 3 ? ', …' : ''}`,
      'Review',
      'Accept All',
      'Undo',
    );
    if (choice === 'Review') await this.show(runId);
    else if (choice === 'Accept All') await this.accept(runId);
    else if (choice === 'Undo') await this.reject(runId, undefined, true);
  }

  /** Focuses the Changes view and opens the first file's diff. */
  async show(runId?: string): Promise<void> {
    if (runId) await this.load(runId);
    await vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    const run = runId ? this.model.get(runId) : this.model.list()[0];
    const first = run?.files[0];
    if (run && first) {
      await this.view.reveal({ kind: 'file', runId: run.runId, path: first.path }, { select: true, focus: false }).then(undefined, () => undefined);
      await openDiff(run.runId, first);
    } else if (!run) {
      void vscode.window.showInformationMessage('SwarmCode: no changes waiting for review.');
    }
  }

  async accept(runId: string, paths?: string[]): Promise<void> {
    if (!this.running()) return;
    try {
      const res = await this.ctx.client.sendRequest(AcceptRequest, { runId, ...(paths ? { paths } : {}) });
      this.ctx.log(`accepted ${res.accepted.length} file(s) of run ${runId}; ${res.remaining} remaining`);
      if (res.remaining === 0) this.model.remove(runId);
      else this.model.remove(runId, res.accepted);
      this.changed();
    } catch (err) {
      void vscode.window.showErrorMessage(`SwarmCode: accept failed: ${message(err)}`);
    }
  }

  async reject(runId: string, paths?: string[], confirm = false): Promise<void> {
    if (!this.running()) return;
    if (confirm) {
      const n = paths?.length ?? this.model.get(runId)?.files.length ?? 0;
      const ok = await vscode.window.showWarningMessage(
        `Put back ${n ? `the ${n} file${n === 1 ? '' : 's'}` : 'every file'} changed by this SwarmCode run? Files nobody changed since go back exactly as before the run; later edits (yours or a newer run's) are kept. Files it created are deleted.`,
        { modal: true },
        'Restore',
      );
      if (ok !== 'Restore') return;
    }
    try {
      const res = await this.ctx.client.sendRequest(RejectRequest, { runId, ...(paths ? { paths } : {}) });
      const merged = res.merged ?? []; // older servers do not send it
      this.ctx.log(`rejected run ${runId}: restored ${res.restored.length}, reverted keeping later edits ${merged.length}, removed ${res.removed.length}, skipped ${res.skipped.length}; ${res.remaining} remaining`);
      if (res.skipped.length) {
        void vscode.window.showWarningMessage(`SwarmCode: not restored: ${res.skipped.map((s) => `${s.path} (${s.reason})`).join('; ')}`);
      }
      if (res.remaining === 0) this.model.remove(runId);
      else this.model.remove(runId, [...res.restored, ...merged, ...res.removed]);
      this.changed();
    } catch (err) {
      void vscode.window.showErrorMessage(`SwarmCode: reject failed: ${message(err)}`);
    }
  }

  /** Accepts or rejects one hunk, then lists the run's changes again (the other hunks' lines moved). */
  async decideHunk(ref: HunkRef, decision: 'accept' | 'reject'): Promise<void> {
    if (!this.running()) return;
    const params = { runId: ref.runId, hunks: [{ path: ref.path, ids: [ref.id] }] };
    try {
      if (decision === 'accept') await this.ctx.client.sendRequest(AcceptRequest, params);
      else await this.ctx.client.sendRequest(RejectRequest, params);
      this.ctx.log(`${decision}ed a hunk of ${ref.path} (run ${ref.runId})`);
    } catch (err) {
      void vscode.window.showErrorMessage(`SwarmCode: ${decision} hunk failed: ${message(err)}`);
    }
    await this.load(ref.runId);
  }

  /** Deletes a kept sub-agent checkout (swarm/removeWorktree). */
  async removeWorktree(runId: string, path: string): Promise<void> {
    if (!this.running()) return;
    try {
      const { removed } = await this.ctx.client.sendRequest(RemoveWorktreeRequest, { path });
      if (!removed) void vscode.window.showWarningMessage(`SwarmCode: ${path} is not a kept worktree of this server.`);
    } catch (err) {
      void vscode.window.showErrorMessage(`SwarmCode: removing the worktree failed: ${message(err)}`);
    }
    this.model.removeKept(runId, path);
    this.changed();
  }

  /** Once after the server is up: undecided runs into the view, interrupted ones offered for restore. */
  async checkpointsOnStart(): Promise<void> {
    let checkpoints: CheckpointInfo[];
    try {
      ({ checkpoints } = await this.ctx.client.sendRequest(CheckpointsRequest, {}));
    } catch (err) {
      this.ctx.log(`swarm/checkpoints failed: ${message(err)}`);
      return;
    }
    const { interrupted, undecided } = splitCheckpoints(checkpoints);
    for (const c of [...undecided, ...interrupted]) await this.load(c.runId, c.task);
    for (const c of interrupted) void this.offerRestore(c);
  }

  private async offerRestore(c: CheckpointInfo): Promise<void> {
    const when = new Date(c.startedAt).toLocaleString();
    const choice = await vscode.window.showWarningMessage(
      `SwarmCode: the run "${c.task.split('\n')[0]}" (${when}) was interrupted after changing ${c.files} file${c.files === 1 ? '' : 's'}. Restore the files changed by the interrupted run?`,
      'Restore',
      'Keep',
      'Review',
    );
    if (choice === 'Restore') await this.reject(c.runId);
    else if (choice === 'Keep') await this.accept(c.runId);
    else if (choice === 'Review') await this.show(c.runId);
  }

  dispose(): void {
    this.view.dispose();
    this.tree.dispose();
    this.lenses.dispose();
  }
}

/** The run a command acts on: the node's, else the newest listed one. */
function runOf(review: Review, node?: ReviewNode | string): string | undefined {
  if (typeof node === 'string') return node;
  return node?.runId ?? review.model.lastDecidable()?.runId;
}

export function register(ctx: Ctx): vscode.Disposable {
  const review = new Review(ctx);
  const content = new CheckpointContent(review.model, (runId) => review.load(runId));
  let checked = false;
  const startup = () => {
    if (checked || ctx.client.state !== State.Running) return;
    checked = true;
    void review.checkpointsOnStart();
  };
  return vscode.Disposable.from(
    review,
    content,
    vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, content),
    ctx.client.onDidChangeState(() => startup()),
    ctx.chat.onDidEvent(({ runId, event }) => {
      if (event.type === 'run_started') review.noteTask(runId, event.task);
      if (event.type === 'run_finished') void review.afterRun(runId);
    }),
    vscode.commands.registerCommand(SHOW, (runId?: string) => review.show(typeof runId === 'string' ? runId : undefined)),
    vscode.commands.registerCommand(REFRESH, async () => {
      for (const run of review.model.list()) await review.load(run.runId);
    }),
    vscode.commands.registerCommand(OPEN_DIFF, async (node?: ReviewNode) => {
      if (node?.kind !== 'file') return;
      const file = review.model.file(node.runId, node.path);
      if (file) await openDiff(node.runId, file);
    }),
    vscode.languages.registerCodeLensProvider({ scheme: 'file' }, review.lenses),
    vscode.commands.registerCommand(ACCEPT_HUNK, (ref?: HunkRef | ReviewNode) => {
      const r = ref && 'id' in ref ? ref : hunkUnderCursor(review.model);
      if (r) return review.decideHunk(r, 'accept');
      void vscode.window.showInformationMessage('SwarmCode: no pending change at the cursor.');
    }),
    vscode.commands.registerCommand(REJECT_HUNK, (ref?: HunkRef | ReviewNode) => {
      const r = ref && 'id' in ref ? ref : hunkUnderCursor(review.model);
      if (r) return review.decideHunk(r, 'reject');
      void vscode.window.showInformationMessage('SwarmCode: no pending change at the cursor.');
    }),
    vscode.commands.registerCommand(REMOVE_WORKTREE, (node?: ReviewNode) => (node?.kind === 'worktree' ? review.removeWorktree(node.runId, node.path) : undefined)),
    vscode.commands.registerCommand(ACCEPT, (node?: ReviewNode) => {
      if (node?.kind === 'hunk') return review.decideHunk(node, 'accept');
      if (node?.kind === 'file') return review.accept(node.runId, [node.path]);
      const runId = runOf(review, node);
      return runId ? review.accept(runId) : undefined;
    }),
    vscode.commands.registerCommand(REJECT, (node?: ReviewNode) => {
      if (node?.kind === 'hunk') return review.decideHunk(node, 'reject');
      if (node?.kind === 'file') return review.reject(node.runId, [node.path]);
      const runId = runOf(review, node);
      return runId ? review.reject(runId, undefined, true) : undefined;
    }),
    vscode.commands.registerCommand(ACCEPT_ALL, async (node?: ReviewNode) => {
      const runs = node ? [node.runId] : review.model.list().map((r) => r.runId);
      for (const runId of runs) await review.accept(runId);
    }),
    vscode.commands.registerCommand(REJECT_ALL, async (node?: ReviewNode) => {
      const runs = node ? [node.runId] : review.model.list().map((r) => r.runId); // newest first
      if (runs.length === 0) return;
      const n = runs.reduce((sum, id) => sum + (review.model.get(id)?.files.length ?? 0), 0);
      const ok = await vscode.window.showWarningMessage(
        `Reject ${n} change${n === 1 ? '' : 's'} of ${runs.length} SwarmCode run${runs.length === 1 ? '' : 's'}? The files go back to how they were before.`,
        { modal: true },
        'Reject All',
      );
      if (ok !== 'Reject All') return;
      for (const runId of runs) await review.reject(runId);
    }),
    vscode.commands.registerCommand(UNDO_LAST_RUN, async () => {
      let runId = review.model.lastDecidable()?.runId;
      if (!runId && ctx.client.state === State.Running) {
        // Nothing listed this session: the newest finished journal on disk.
        const { checkpoints } = await ctx.client.sendRequest(CheckpointsRequest, {});
        runId = checkpoints.find((c) => c.state !== 'active' && c.files > 0)?.runId;
        if (runId) await review.load(runId, checkpoints.find((c) => c.runId === runId)?.task);
      }
      if (!runId) {
        void vscode.window.showInformationMessage('SwarmCode: no run with changes to undo.');
        return;
      }
      await review.reject(runId, undefined, true);
    }),
  );
}
