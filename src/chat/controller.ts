// The chat's state machine: which conversation is shown, the runs going on (one per conversation,
// several conversations at once), and the messages between the webview (webview/messages.ts) and
// the server (swarm/run, swarm/event, swarm/cancel). Events are routed by run id to their own
// conversation; only the shown conversation's events reach the panel.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  CancelRequest,
  EventNotification,
  MentionsRequest,
  RunRequest,
  type EventParams,
  type ImageInput,
  type RunResult,
  type ThinkingMode,
  type CommandInfo,
  type MentionItem,
} from '../../server/protocol';
import type { Conversation, ContextRef, ConversationSummary, ToExtension, ToWebview } from '../../webview/messages';
import { needsModelSetup, type Config } from '../config';
import { appendEvent, newConversation, titleFor, type ConversationStore } from './store';
import { ApprovalBroker } from './approvals';
import { handleHistory } from './history-ops';
import { STALL_SETTING, stallSeconds } from '../agents/stall';
import { offerModelSetup, openFile } from './panel-actions';
import { CLIENT_COMMANDS, expandMcpPrompt, isClientCommand, listCommands, runChatCommand } from './commands';
import { EditorContextFeed } from './editor-context';
import { runCodeBlockAction } from './codeblocks';
import { emptyResult, recordAnswer, recordTurn, withRunState, type ActiveRun } from './runs';

export { emptyResult };

/** How long a stopped run may take to answer before the panel is told it ended anyway. */
const STOP_GRACE_MS = 10_000;
const SAVE_EVERY_MS = 2_000;

export class ChatController implements vscode.Disposable {
  private conversation: Conversation;
  /** The runs going on, by run id (at most one per conversation). */
  private readonly runs = new Map<string, ActiveRun>();
  private post: (message: ToWebview) => void = () => undefined;
  private ready: Promise<boolean> = Promise.resolve(false);
  /** The panel said `ready` since it was last attached. */
  private attached = false;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly events = new vscode.EventEmitter<EventParams>();
  /** Every `swarm/event` of every run (chat runs, refactors): the one subscription point for views (agents, review). */
  readonly onDidEvent = this.events.event;
  /** Pending `swarm/approval` questions, shown in the panel's queue. */
  readonly approvals: ApprovalBroker;
  /** The active file and selection (the composer's chip), the terminal's last output, @-mention attachments. */
  private readonly editorContext: EditorContextFeed;

  constructor(
    private readonly store: ConversationStore,
    private readonly client: LanguageClient,
    private readonly config: Config,
    private readonly log: (message: string) => void,
    reveal: () => void = () => undefined,
  ) {
    this.approvals = new ApprovalBroker((m) => this.post(m), log, reveal);
    const current = store.currentId();
    this.conversation = (current && store.get(current)) || newConversation(randomUUID());
    this.editorContext = new EditorContextFeed((enabled, context) => this.post({ type: 'editorContext', enabled, ...(context ? { context } : {}) }));
    this.disposables.push(
      this.events,
      this.editorContext,
      client.onNotification(EventNotification, (p) => this.onEvent(p)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(STALL_SETTING)) this.post({ type: 'swarmSettings', stallSeconds: stallSeconds() });
      }),
    );
  }

  /** The client feature hands over its start promise (true when the server runs). */
  setReady(ready: Promise<boolean>): void {
    this.ready = ready;
  }

  /** True once the server runs (false when it could not start); for other features that send requests. */
  whenReady(): Promise<boolean> {
    return this.ready;
  }

  /** The view attaches its postMessage; returns the detach. */
  attach(post: (message: ToWebview) => void): vscode.Disposable {
    this.post = post;
    return new vscode.Disposable(() => {
      if (this.post === post) {
        this.post = () => undefined;
        this.attached = false;
      }
    });
  }

  /** Whether the shown conversation has a run going on (other conversations may run too). */
  get busy(): boolean {
    return this.shownRun() !== undefined;
  }

  /** The run of a conversation, if one is going on. */
  private runOf(conversationId: string): ActiveRun | undefined {
    for (const run of this.runs.values()) if (run.conversation.id === conversationId) return run;
    return undefined;
  }

  private shownRun(): ActiveRun | undefined {
    return this.runOf(this.conversation.id);
  }

  /** The stored list with each conversation's live state ('running' only while its run is here). */
  private list(): ConversationSummary[] {
    return this.withState(this.store.list());
  }

  private withState(list: ConversationSummary[]): ConversationSummary[] {
    return withRunState(list, (id) => this.runOf(id) !== undefined);
  }

  async handle(message: ToExtension): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.attached = true;
        this.sendInit();
        for (const text of this.inserts.splice(0)) this.post({ type: 'insertText', text });
        this.editorContext.send();
        this.post({ type: 'swarmSettings', stallSeconds: stallSeconds() });
        return this.sendCommands();
      case 'send':
        return this.send(message.text, message.images ?? [], message.thinking, message.plan, message.context);
      case 'mentionQuery':
        return this.mentionQuery(message.id, message.query);
      case 'codeBlock': {
        const problem = await runCodeBlockAction(message, this.editorContext.lastEditor);
        if (problem) this.post({ type: 'error', message: problem });
        return;
      }
      case 'command':
        return this.command(message.name, message.args);
      case 'listCommands':
        return this.sendCommands();
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        return this.open(message.id);
      case 'listConversations':
      case 'deleteConversation':
      case 'exportConversation':
      case 'rewind':
        return handleHistory(message, {
          client: this.client,
          store: this.store,
          post: (m) => this.post(m),
          current: () => this.conversation,
          busy: (id) => this.runOf(id) !== undefined,
          withState: (list) => this.withState(list),
          newChat: () => this.newChat(),
          reshow: () => this.sendInit(),
          log: this.log,
        });
      case 'openFile':
        return openFile(message.path, message.line, (m) => this.post({ type: 'error', message: m }));
      case 'openLink':
        if (/^(https?|mailto):/i.test(message.url)) await vscode.env.openExternal(vscode.Uri.parse(message.url, true));
        return;
      case 'approve':
        return this.approvals.answer(message.id, message.approved, message.scope);
      case 'imageToComponent':
        // src/visual owns the flow (target kind, output path, swarm/visual, preview panel).
        await vscode.commands.executeCommand('swarmcode.screenshotToComponent', { ...message.image, ...(message.name ? { name: message.name } : {}) });
        return;
      default: {
        const unknown: never = message;
        this.log(`unknown webview message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Text for the composer sent before the panel was ready (Add Selection to Chat opens it). */
  private readonly inserts: string[] = [];

  /** Adds text at the composer's cursor (Add Selection to Chat); held until the panel is ready. */
  insertIntoComposer(text: string): void {
    this.inserts.push(text);
    if (this.attached) this.post({ type: 'insertText', text: this.inserts.shift()! });
  }

  /** Starts a chat run with `text` as the user's message (code actions); with `newChat`, in a fresh conversation. */
  startRun(text: string, opts: { newChat?: boolean } = {}): Promise<void> {
    // The panel did not type this message: once it is recorded, the panel is sent the whole
    // conversation (an `init` before it, from newChat, would show the run without its prompt).
    if (opts.newChat && (this.shownRun() || this.conversation.messages.length > 0)) this.newChat(false);
    return this.send(text, [], undefined, undefined, [], false);
  }

  newChat(show = true): void {
    this.conversation = newConversation(randomUUID());
    void this.store.setCurrent(this.conversation.id);
    if (show) this.sendInit();
  }

  private open(id: string): void {
    const conversation = this.runOf(id)?.conversation ?? this.store.get(id);
    if (!conversation) {
      this.post({ type: 'error', message: `Conversation ${id} no longer exists.` });
      return;
    }
    this.conversation = conversation;
    void this.store.setCurrent(id);
    this.sendInit();
  }

  private sendInit(): void {
    this.post({ type: 'init', conversation: this.conversation, conversations: this.list() });
    const run = this.shownRun();
    if (run) this.post({ type: 'runStarted', runId: run.runId });
    this.approvals.replay();
  }

  /** Stops the shown conversation's run (runs of other conversations go on). */
  stop(): void {
    const run = this.shownRun();
    if (!run) return;
    this.log(`stopping run ${run.runId}`);
    run.cts.cancel();
    if (this.client.isRunning()) {
      this.client.sendRequest(CancelRequest, { runId: run.runId }).catch((err: unknown) => this.log(`swarm/cancel failed: ${String(err)}`));
    }
    setTimeout(() => run.forceEnd(emptyResult(run.runId, 'cancelled')), STOP_GRACE_MS).unref();
  }

  /**
   * Shows a run started elsewhere with its own request (e.g. swarm/refactor) in the panel: a new
   * conversation titled `title`, `task` as the user's message, the run's swarm/events rendered
   * live. The caller reports the run's end with the returned function. Runs of other
   * conversations go on.
   */
  trackRun(runId: string, task: string, title = titleFor(task)): ((result: RunResult) => void) | undefined {
    if (this.shownRun() || this.conversation.messages.length > 0) this.newChat();
    const { run, forced } = this.begin(task, [], runId, title);
    this.sendInit(); // the panel did not type this message: show it, then the live run
    void vscode.commands.executeCommand('swarmcode.chat.focus').then(undefined, () => undefined);
    let end: (result: RunResult) => void = () => undefined;
    const ended = new Promise<RunResult>((resolve) => (end = resolve));
    void Promise.race([ended, forced]).then((result) => this.finish(run, result));
    return end;
  }

  /** Refreshes the slash-command popup (built-in, workspace, user and other sources). */
  async sendCommands(): Promise<void> {
    this.post({ type: 'commands', commands: CLIENT_COMMANDS }); // at once, before the server answers
    this.commands = await listCommands(this.client, this.ready, this.log);
    this.post({ type: 'commands', commands: this.commands });
  }

  /** The last command list sent to the popup (MCP prompts among them are expanded here, not by swarm/run). */
  private commands: CommandInfo[] = [];

  private async command(name: string, args: string): Promise<void> {
    try {
      await runChatCommand(name, args, {
        client: this.client,
        activeRunId: () => this.shownRun()?.runId,
        conversation: () => this.conversation,
        newChat: () => this.newChat(),
        notice: (message) => this.post({ type: 'notice', message }),
        error: (message) => this.post({ type: 'error', message }),
      });
    } catch (err) {
      this.post({ type: 'error', message: `/${name} failed: ${errorMessage(err)}` });
    }
  }

  /** Completions for the composer's `@` popup (swarm/mentions); none while the server is not running. */
  private async mentionQuery(id: number, query: string): Promise<void> {
    let items: MentionItem[] = [];
    if (await this.ready) items = await this.client.sendRequest(MentionsRequest, { query, limit: 30 }).catch((err: unknown) => (this.log(`swarm/mentions failed: ${String(err)}`), []));
    this.post({ type: 'mentionResults', id, items });
  }

  /** `typed`: the panel already shows the user's message (it sent it); else the conversation is sent again with it. */
  private async send(text: string, images: ImageInput[], thinking?: ThinkingMode, plan?: boolean, context: ContextRef[] = [], typed = true): Promise<void> {
    // A panel command that reached here as text (the popup's list was not loaded yet).
    const slash = /^\/([A-Za-z0-9_.:-]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (slash && images.length === 0 && isClientCommand(slash[1])) {
      await this.command(slash[1], (slash[2] ?? '').trim());
      this.post({ type: 'notice', message: `/${slash[1]}` }); // the panel waits for an answer to what it sent
      return;
    }
    const mcp = slash ? this.commands.find((c) => c.name === slash[1] && c.source === 'mcp') : undefined;
    if (mcp && !this.shownRun()) {
      try {
        const expanded = await expandMcpPrompt(this.client, mcp, (slash?.[2] ?? '').trim());
        text = expanded.text;
        images = [...images, ...expanded.images];
      } catch (err) {
        this.post({ type: 'error', message: `/${mcp.name}: ${errorMessage(err)}` });
        return;
      }
    }
    if (this.shownRun()) {
      this.post({ type: 'error', message: 'A run is already in progress in this conversation: stop it first, or start a new chat.' });
      return;
    }
    if (!text.trim() && images.length === 0) return;
    // No key check here: the server picks the embedded engine when Moonshot's default endpoint
    // has no key and a GGUF is configured, and otherwise fails the run with set-up instructions
    // (finish() then offers "Set API Key").
    const conversation = this.conversation;
    const history = conversation.messages.filter((m) => m.text.trim()).map(({ role, text: t }) => ({ role, text: t }));
    const { run, forced } = this.begin(text, images);
    if (!typed) this.sendInit();
    const { runId, cts } = run;
    let result: RunResult;
    try {
      if (!(await this.ready)) throw new Error('The SwarmCode server is not running: see the "SwarmCode" output channel.');
      const attachments = await this.editorContext.attachments(context);
      const request = this.client.sendRequest(
        RunRequest,
        { runId, task: text, ...(images.length ? { images } : {}), ...(attachments.length ? { attachments } : {}), history, ...(thinking ? { thinking } : {}), ...(plan ? { plan } : {}) },
        cts.token,
      );
      result = await Promise.race([request, forced]);
    } catch (err) {
      const cancelled = cts.token.isCancellationRequested;
      result = emptyResult(runId, cancelled ? 'cancelled' : 'failed', cancelled ? undefined : errorMessage(err));
    }
    await this.finish(run, result);
  }

  /** Records the user's message and a new run in the current conversation and adds it to the runs going on. */
  private begin(text: string, images: ImageInput[], runId: string = randomUUID(), title?: string): { run: ActiveRun; forced: Promise<RunResult> } {
    const conversation = this.conversation;
    const events = recordTurn(conversation, runId, text, images, title);
    const cts = new vscode.CancellationTokenSource();
    let forceEnd: (result: RunResult) => void = () => undefined;
    const forced = new Promise<RunResult>((resolve) => (forceEnd = resolve));
    const run: ActiveRun = { runId, cts, conversation, events, forceEnd };
    this.runs.set(runId, run);
    void this.store.setCurrent(conversation.id);
    // Saved before the list is sent, so the header and history show the new title right away.
    void this.store.save(conversation).then(
      () => this.post({ type: 'conversations', conversations: this.list() }),
      (err: unknown) => this.log(`could not save conversation: ${String(err)}`),
    );
    this.post({ type: 'runStarted', runId });
    this.log(`run ${runId} started`);
    return { run, forced };
  }

  /** Ends a run: stores the answer, tells the panel, offers set-up when no model is usable. */
  private async finish(run: ActiveRun, result: RunResult): Promise<void> {
    if (this.runs.get(run.runId) !== run) return; // already ended (a forced end, then the server's answer)
    run.cts.dispose();
    this.runs.delete(run.runId);
    const { runId, conversation } = run;
    this.log(`run ${runId} ended: ${result.status}${result.error ? ` (${result.error})` : ''}`);
    recordAnswer(conversation, result);
    await this.flushSave(run);
    if (this.conversation.id === conversation.id) this.post({ type: 'runEnded', result });
    this.post({ type: 'conversations', conversations: this.list() });
    if (result.status === 'failed' && needsModelSetup(result.error)) offerModelSetup();
  }

  private onEvent(params: EventParams): void {
    this.events.fire(params);
    const { runId, event } = params;
    const run = this.runs.get(runId);
    if (!run) return;
    appendEvent(run.events, event);
    if (this.conversation.id === run.conversation.id) this.post({ type: 'event', runId, event });
    if (!run.saveTimer) run.saveTimer = setTimeout(() => void this.flushSave(run), SAVE_EVERY_MS);
  }

  private flushSave(run: ActiveRun): Promise<void> {
    if (run.saveTimer) clearTimeout(run.saveTimer);
    run.saveTimer = undefined;
    return this.store.save(run.conversation).then(undefined, (err: unknown) => this.log(`could not save conversation: ${String(err)}`));
  }

  dispose(): void {
    for (const run of this.runs.values()) {
      run.cts.cancel();
      void this.flushSave(run);
    }
    for (const d of this.disposables) d.dispose();
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
