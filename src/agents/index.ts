// "SwarmCode Agents" view (swarmcode.agents): the runs of this session and their sub-agents,
// live from swarm/event (status, steps, current tool), with a cancel action per running
// sub-agent (swarm/cancel {runId, agentId}) and per run; a status-bar progress while a run is active.
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import { CancelRequest } from '../../server/protocol';
import type { Ctx } from '../context';
import { AgentsModel, describeCounts, shortTask, type AgentInfo, type RunInfo } from './model';
import { STALL_SETTING, stallSeconds } from './stall';

export const VIEW_ID = 'swarmcode.agents';
export const CANCEL_AGENT = 'swarmcode.agents.cancel';
export const CANCEL_RUN = 'swarmcode.agents.cancelRun';
export const CLEAR = 'swarmcode.agents.clear';

type Node = { kind: 'run'; runId: string } | { kind: 'agent'; runId: string; agentId: string };

const ICONS: Record<string, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('loading~spin'),
  done: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  stalled: new vscode.ThemeIcon('warning', new vscode.ThemeColor('editorWarning.foreground')),
};

class AgentsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: NodeJS.Timeout | undefined;

  constructor(readonly model: AgentsModel) {}

  /** Coalesces refreshes: a swarm streams many events a second. */
  refresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.changed.fire(undefined);
    }, 150);
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.model.list().map((r) => ({ kind: 'run', runId: r.runId }));
    const parent = node.kind === 'run' ? 'main' : node.agentId;
    return this.model.children(node.runId, parent).map((a) => ({ kind: 'agent', runId: node.runId, agentId: a.agentId }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'run') {
      const run = this.model.get(node.runId);
      return run ? runItem(run, this.model) : new vscode.TreeItem('(gone)');
    }
    const agent = this.model.agent(node.runId, node.agentId);
    if (!agent) return new vscode.TreeItem('(gone)');
    return agentItem(agent, this.model, this.model.children(node.runId, agent.agentId).length > 0);
  }

  getParent(node: Node): Node | undefined {
    if (node.kind === 'run') return undefined;
    const agent = this.model.agent(node.runId, node.agentId);
    if (!agent || !this.model.agent(node.runId, agent.parentId)) return { kind: 'run', runId: node.runId };
    return { kind: 'agent', runId: node.runId, agentId: agent.parentId };
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending);
    this.changed.dispose();
  }
}

function runItem(run: RunInfo, model: AgentsModel): vscode.TreeItem {
  // Always expandable: VS Code keeps a row collapsed that first appeared without children (sub-agents come later).
  const item = new vscode.TreeItem(shortTask(run.task), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `run:${run.runId}`;
  const counts = describeCounts(model.counts(run.runId));
  item.description = run.status === 'running' ? `${run.currentTool ? `${run.currentTool}… · ` : ''}${counts}` : `${run.status} · ${counts}`;
  item.iconPath = ICONS[run.status];
  item.contextValue = run.status === 'running' ? 'swarmcode.run.running' : 'swarmcode.run';
  item.tooltip = new vscode.MarkdownString(`**Run** \`${run.runId}\`\n\n${run.task}`);
  return item;
}

function agentItem(agent: AgentInfo, model: AgentsModel, hasChildren: boolean): vscode.TreeItem {
  // Named by its item / task: the sub-agents of one spawn_swarm share a template name (`worker`).
  const item = new vscode.TreeItem(agent.label, hasChildren ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
  item.id = `agent:${agent.runId}:${agent.agentId}`;
  item.description = model.describe(agent);
  item.iconPath = model.stalled(agent) ? ICONS.stalled : ICONS[agent.status];
  item.contextValue = agent.status === 'running' ? 'swarmcode.agent.running' : 'swarmcode.agent';
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${agent.name}** (\`${agent.agentId}\`) — ${agent.status}, ${agent.steps} step${agent.steps === 1 ? '' : 's'}`);
  if (agent.lastTool) md.appendMarkdown(`, last tool \`${agent.lastTool}\``);
  md.appendMarkdown('\n\n');
  md.appendText(agent.task);
  item.tooltip = md;
  return item;
}

async function cancel(ctx: Ctx, runId: string, agentId?: string): Promise<void> {
  if (ctx.client.state !== State.Running) return;
  try {
    const { cancelled } = await ctx.client.sendRequest(CancelRequest, { runId, ...(agentId ? { agentId } : {}) });
    ctx.log(`cancel ${agentId ? `sub-agent ${agentId} of ` : ''}run ${runId}: ${cancelled ? 'cancelled' : 'not active'}`);
    if (!cancelled) void vscode.window.showInformationMessage(`SwarmCode: that ${agentId ? 'sub-agent' : 'run'} is no longer running.`);
  } catch (err) {
    void vscode.window.showErrorMessage(`SwarmCode: cancel failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A status-bar progress (Window location) for as long as any run is active. */
class RunProgress implements vscode.Disposable {
  private finish: (() => void) | undefined;
  private report: ((message: string) => void) | undefined;

  constructor(private readonly model: AgentsModel) {}

  update(): void {
    const running = this.model.running();
    if (running.length === 0) {
      this.finish?.();
      this.finish = this.report = undefined;
      return;
    }
    const message = running.map((r) => describeCounts(this.model.counts(r.runId))).join(' | ');
    if (this.report) {
      this.report(message);
      return;
    }
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'SwarmCode' }, (progress) => {
      progress.report({ message });
      return new Promise<void>((resolve) => {
        this.finish = resolve;
        this.report = (m) => progress.report({ message: m });
      });
    });
  }

  dispose(): void {
    this.finish?.();
  }
}

export function register(ctx: Ctx): vscode.Disposable {
  const model = new AgentsModel();
  model.stallMs = stallSeconds() * 1000;
  const tree = new AgentsTree(model);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const progress = new RunProgress(model);
  let lastProgress = 0;
  // The activity-bar badge means one thing: files waiting for review (src/review). Running
  // sub-agents are counted here, in the Agents view's header, and in the status-bar progress.
  const updateHeader = () => {
    const running = model.running().reduce((n, r) => n + model.counts(r.runId).running, 0);
    const stalled = model.running().reduce((n, r) => n + r.agents.filter((a) => model.stalled(a)).length, 0);
    view.description = running ? `${running} running${stalled ? `, ${stalled} without progress` : ''}` : undefined;
  };
  // Elapsed times and stall flags move without events: refresh once a second while a run is active.
  const clock = setInterval(() => {
    if (!model.running().length) return;
    tree.refresh();
    updateHeader();
  }, 1000);
  return vscode.Disposable.from(
    tree,
    view,
    progress,
    new vscode.Disposable(() => clearInterval(clock)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(STALL_SETTING)) model.stallMs = stallSeconds() * 1000;
    }),
    ctx.chat.onDidEvent(({ runId, event }) => {
      if (!model.apply(runId, event)) return;
      tree.refresh();
      const boundary = event.type === 'run_started' || event.type === 'run_finished' || event.type === 'agent_spawned' || event.type === 'agent_finished';
      // Progress text at most every 250 ms, but start/end of runs and agents at once.
      if (boundary || Date.now() - lastProgress > 250) {
        lastProgress = Date.now();
        progress.update();
        updateHeader();
      }
    }),
    vscode.commands.registerCommand(CANCEL_AGENT, (node?: Node) => {
      if (node?.kind === 'agent') return cancel(ctx, node.runId, node.agentId);
      if (node?.kind === 'run') return cancel(ctx, node.runId);
      return pickAndCancel(ctx, model);
    }),
    vscode.commands.registerCommand(CANCEL_RUN, (node?: Node) => {
      const runId = node?.runId ?? model.running()[0]?.runId;
      if (runId) return cancel(ctx, runId);
      void vscode.window.showInformationMessage('SwarmCode: no run is active.');
      return undefined;
    }),
    vscode.commands.registerCommand(CLEAR, () => {
      model.clearFinished();
      tree.refresh();
    }),
  );
}

/** From the command palette: pick one running sub-agent (or run) to cancel. */
async function pickAndCancel(ctx: Ctx, model: AgentsModel): Promise<void> {
  const items: (vscode.QuickPickItem & { runId: string; agentId?: string })[] = [];
  for (const run of model.running()) {
    items.push({ label: `$(run-all) ${shortTask(run.task)}`, description: 'the whole run', runId: run.runId });
    for (const a of run.agents.filter((x) => x.status === 'running')) items.push({ label: `$(person) ${a.label}`, description: model.describe(a), runId: run.runId, agentId: a.agentId });
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('SwarmCode: nothing is running.');
    return;
  }
  const choice = await vscode.window.showQuickPick(items, { placeHolder: 'Cancel which sub-agent or run?' });
  if (choice) await cancel(ctx, choice.runId, choice.agentId);
}
