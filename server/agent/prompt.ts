// Prompt assembly. The system prompt is stable across runs and sub-agents so that a serving
// engine's prefix cache (and Moonshot's cached-input price) applies; anything that varies
// per task goes after it.
import type { HistoryTurn, ImageInput } from '../protocol';
import type { ChatMessage, ContentPart } from '../model/types';

export const AGENT_SYSTEM_PROMPT = `You are SwarmCode, a coding agent working inside the user's workspace.
Use the tools to look before you change anything: list_files and grep to find code, read_file to read it.
Change files with edit_file (exact old_string → new_string) or write_file (whole new files); delete_file and move_file delete and move files.
run_command runs a shell command in the workspace root (the user may have to approve it).
Paths are relative to the workspace root. Tool errors are shown to you: read them and adjust.
When the task is done, answer with a short summary of what you did and what you found.`;

/**
 * `shell`: what run_command runs through, when it is not /bin/sh (PowerShell, cmd, bash).
 * `folders`: a multi-root workspace's folders (tool paths start with their names).
 */
export function workspaceContext(root: string, shell?: string, folders?: { name: string; path: string }[]): string {
  const shellLine = shell && shell !== 'sh' ? `\nrun_command shell: ${shell}` : '';
  if (!folders || folders.length < 2) return `Workspace root: ${root}\nPlatform: ${process.platform}${shellLine}`;
  const list = folders.map((f) => `- ${f.name}/ → ${f.path}`).join('\n');
  return (
    `Workspace folders (a multi-root workspace; every path starts with a folder's name, e.g. ${folders[0].name}/README.md):\n${list}\n` +
    `Commands run in a folder holding one link per workspace folder (cd into one first).\nPlatform: ${process.platform}${shellLine}`
  );
}

/** system → replayed history → the user's task (with images as parts). */
export function initialMessages(opts: {
  system: string;
  context: string;
  task: string;
  /** Attached context (server/attachments/format.ts), after the task in the same user turn. */
  attachments?: string;
  images?: ImageInput[];
  history?: HistoryTurn[];
}): ChatMessage[] {
  const messages: ChatMessage[] = [{ role: 'system', content: `${opts.system}\n\n${opts.context}` }];
  for (const turn of opts.history ?? []) {
    if (turn.role === 'user') messages.push({ role: 'user', content: turn.text });
    else messages.push({ role: 'assistant', content: turn.text });
  }
  const images = opts.images ?? [];
  const text = opts.attachments ? (opts.task ? `${opts.task}\n\n${opts.attachments}` : opts.attachments) : opts.task;
  if (images.length === 0) {
    messages.push({ role: 'user', content: text });
  } else {
    const parts: ContentPart[] = images.map((img) => ({ type: 'image', mimeType: img.mimeType, data: img.data }));
    if (text) parts.push({ type: 'text', text });
    messages.push({ role: 'user', content: parts });
  }
  return messages;
}
