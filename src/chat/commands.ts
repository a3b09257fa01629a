// Slash commands the chat panel carries out itself (runsIn 'client'), and the list the popup shows.
// Commands that start a run (/init, /plan, /review, /swarm, custom ones) go to the server as the task.
import * as vscode from 'vscode';
import { RequestType, type LanguageClient } from 'vscode-languageclient/node';
import { CommandsRequest, CompactRequest, type CommandInfo, type ImageInput } from '../../server/protocol';
import type { Conversation } from '../../webview/messages';
import { promptArgs } from './prompt-args';

const client = (name: string, description: string, argumentHint?: string): CommandInfo => ({ name, description, source: 'builtin', runsIn: 'client', ...(argumentHint ? { argumentHint } : {}) });

/** The panel's own commands, shown even when the server is not running. */
export const CLIENT_COMMANDS: CommandInfo[] = [
  client('compact', "Compact the running agent's conversation now"),
  client('undo', "Undo the last run's changes"),
  client('export', 'Export this conversation as Markdown'),
  client('clear', 'Start a new conversation'),
  client('model', 'Select the provider and model'),
  client('thinking', 'Toggle thinking mode', '[on|off|auto]'),
];

/** Another source of commands for the popup (e.g. MCP prompts); merged after the server's list. */
export type CommandListSource = (client: LanguageClient) => Promise<CommandInfo[]>;
const extraSources: CommandListSource[] = [];

export function addCommandListSource(source: CommandListSource): vscode.Disposable {
  extraSources.push(source);
  return new vscode.Disposable(() => {
    const i = extraSources.indexOf(source);
    if (i >= 0) extraSources.splice(i, 1);
  });
}

/** Every command for the popup: the server's (built-in, project, user), then other sources; first wins a name. */
export async function listCommands(lc: LanguageClient, ready: Promise<boolean>, log: (m: string) => void): Promise<CommandInfo[]> {
  const lists: CommandInfo[][] = [CLIENT_COMMANDS];
  if (await ready) {
    lists.push(await lc.sendRequest(CommandsRequest, {}).then(undefined, (err: unknown) => (log(`swarm/commands failed: ${String(err)}`), [])));
    for (const source of extraSources) lists.push(await source(lc).catch(() => []));
  }
  const byName = new Map<string, CommandInfo>();
  for (const c of lists.flat()) if (!byName.has(c.name)) byName.set(c.name, withHint(c));
  return [...byName.values()];
}

/** An MCP prompt's declared arguments as the popup's hint: `<required> [optional]`. */
function withHint(c: CommandInfo): CommandInfo {
  if (c.argumentHint || !c.arguments?.length) return c;
  return { ...c, argumentHint: c.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(' ') };
}

/**
 * swarm/expandCommand (the MCP client's request, docs/protocol.md): an MCP prompt with its
 * arguments → the text (and images) to send as the task.
 */
const ExpandCommandRequest = new RequestType<{ name: string; args?: Record<string, string> }, { text: string; images: ImageInput[] }, void>('swarm/expandCommand');

export async function expandMcpPrompt(lc: LanguageClient, info: CommandInfo, text: string): Promise<{ text: string; images: ImageInput[] }> {
  return lc.sendRequest(ExpandCommandRequest, { name: info.name, args: promptArgs(info, text) });
}

export interface ChatCommandHost {
  client: LanguageClient;
  activeRunId(): string | undefined;
  conversation(): Conversation;
  newChat(): void;
  notice(message: string): void;
  error(message: string): void;
}

export function isClientCommand(name: string): boolean {
  return CLIENT_COMMANDS.some((c) => c.name === name);
}

export async function runChatCommand(name: string, args: string, host: ChatCommandHost): Promise<void> {
  switch (name) {
    case 'compact': {
      const runId = host.activeRunId();
      if (!runId) return host.error('/compact works while a run is active: nothing is running.');
      const { scheduled } = await host.client.sendRequest(CompactRequest, { runId });
      return scheduled ? host.notice('Compaction scheduled: the agent compacts its conversation before its next step.') : host.error('The run has no live agent to compact.');
    }
    case 'undo':
      await vscode.commands.executeCommand('swarmcode.undoLastRun');
      return;
    case 'clear':
      return host.newChat();
    case 'model':
      await vscode.commands.executeCommand('swarmcode.selectProvider');
      return;
    case 'thinking':
      return toggleThinking(args, host);
    case 'export':
      return exportConversation(host.conversation(), host);
    default:
      return host.error(`/${name} is not a chat panel command.`);
  }
}

async function toggleThinking(args: string, host: ChatCommandHost): Promise<void> {
  const config = vscode.workspace.getConfiguration('swarmcode');
  const want = args.trim().toLowerCase();
  if (want && !['on', 'off', 'auto'].includes(want)) return host.error('/thinking takes on, off or auto (nothing toggles it).');
  const next = want || (config.get<string>('thinking') === 'off' ? 'auto' : 'off');
  await config.update('thinking', next, vscode.ConfigurationTarget.Global);
  host.notice(`Thinking: ${next}`);
}

/** The conversation as Markdown: each message under a heading. */
export function conversationMarkdown(conv: Conversation): string {
  const parts = [`# ${conv.title || 'SwarmCode conversation'}`];
  for (const m of conv.messages) parts.push(`## ${m.role === 'user' ? 'You' : 'SwarmCode'}\n\n${m.text.trim()}`);
  return `${parts.join('\n\n')}\n`;
}

export async function exportConversation(conv: Conversation, host: Pick<ChatCommandHost, 'notice' | 'error'>): Promise<void> {
  if (!conv.messages.length) return host.error('/export: this conversation is empty.');
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  const file = `${(conv.title || 'conversation').replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 60)}.md`;
  const target = await vscode.window.showSaveDialog({ defaultUri: root ? vscode.Uri.joinPath(root, file) : undefined, filters: { Markdown: ['md'] } });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(conversationMarkdown(conv), 'utf8'));
  host.notice(`Exported to ${vscode.workspace.asRelativePath(target)}`);
}
