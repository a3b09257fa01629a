// Attachments → the text put after the task in the user's turn. Paths go through the workspace
// sandbox (`..`, absolute paths outside the root and symlinks out of it are refused), files are read
// as the agent would read them (unsaved editor buffers included), git runs through the read-only
// `git` tool (contained, hooks and filters off). Every body is capped, and so is the total.
import { stat } from 'node:fs/promises';
import type { Attachment } from '../protocol';
import { MAX_ATTACHMENTS } from '../protocol';
import type { Workspace } from '../workspace';
import type { Logger } from '../log';
import type { Sandbox } from '../sandbox';
import { listFiles } from '../index/ripgrep';
import { extractTags, supports } from '../index/symbols/tags';
import { gitTool } from '../tools/git';
import { ToolError, type ToolContext } from '../tools/types';
import { formatAttachments, languageOf, oneLine, type Block } from './format';

/** One attachment's body past this is cut (about 12k tokens). */
export const MAX_ATTACHMENT_CHARS = 50_000;
/** All attachments of one message together (about 50k tokens); later ones are cut, then left out. */
export const MAX_TOTAL_CHARS = 200_000;
const MAX_FOLDER_FILES = 300;
const MAX_SYMBOL_LINES = 200;

/** An attachment that cannot be resolved: the run is refused, the message names the mention. */
export class AttachmentError extends Error {
  override name = 'AttachmentError';
}

export interface AttachmentEnv {
  workspace: Workspace;
  log: Logger;
  sandbox?: Sandbox;
}

/** The attachments as one text block ('' for none); AttachmentError names the first one that fails. */
export async function resolveAttachments(list: Attachment[], env: AttachmentEnv, signal: AbortSignal): Promise<string> {
  if (list.length > MAX_ATTACHMENTS) throw new AttachmentError(`${list.length} attachments: at most ${MAX_ATTACHMENTS} per message.`);
  const blocks: Block[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const a of list) {
    const key = JSON.stringify(a);
    if (seen.has(key)) continue;
    seen.add(key);
    signal.throwIfAborted();
    const block = await resolveOne(a, env, signal);
    const room = MAX_TOTAL_CHARS - total;
    if (room <= 0) {
      blocks.push({ ...block, body: `[left out: the attachments of this message passed ${MAX_TOTAL_CHARS} characters]`, language: '' });
      continue;
    }
    block.body = cut(block.body, Math.min(room, MAX_ATTACHMENT_CHARS), a.kind === 'path' ? 'read_file the rest' : '');
    total += block.body.length;
    blocks.push(block);
  }
  return formatAttachments(blocks);
}

function cut(body: string, max: number, hint: string): string {
  if (body.length <= max) return body;
  return `${body.slice(0, max)}\n[cut at ${max} of ${body.length} characters${hint ? `; ${hint}` : ''}]`;
}

function mention(a: Attachment): string {
  switch (a.kind) {
    case 'path': return `@${a.path}`;
    case 'symbol': return `@${a.name}`;
    case 'git': return '@git';
    case 'text': return `@${a.source}`;
  }
}

async function resolveOne(a: Attachment, env: AttachmentEnv, signal: AbortSignal): Promise<Block> {
  try {
    switch (a.kind) {
      case 'path': return await pathBlock(a.path, env, signal);
      case 'symbol': return await symbolBlock(a, env, signal);
      case 'git': return await gitBlock(env, signal);
      case 'text':
        return { title: `@${a.source}`, detail: oneLine(a.label) || a.source, body: a.text, language: a.language ?? '' };
    }
  } catch (err) {
    if (signal.aborted) throw err;
    if (err instanceof AttachmentError) throw err;
    const why = err instanceof ToolError || (err as NodeJS.ErrnoException).code ? (err as Error).message : `could not be read (${(err as Error).message})`;
    throw new AttachmentError(`${oneLine(mention(a))}: ${why}`);
  }
}

async function pathBlock(path: string, env: AttachmentEnv, signal: AbortSignal): Promise<Block> {
  const ws = env.workspace;
  const abs = await ws.resolve(path);
  const rel = ws.relative(abs);
  const st = await stat(abs).catch(() => undefined);
  const open = ws.documents.get(abs) !== undefined;
  if (!st && !open) throw new AttachmentError(`@${oneLine(path)}: no such file or folder in the workspace.`);
  if (st?.isDirectory()) {
    const files = await listFiles(ws.root, signal, rel === '.' ? [] : [rel]);
    files.sort();
    const shown = files.slice(0, MAX_FOLDER_FILES);
    const more = files.length > shown.length ? `\n[${files.length - shown.length} more files not shown (${files.length} in all)]` : '';
    return { title: `@${rel}`, detail: `folder, ${files.length} files`, body: (shown.join('\n') || '(no files)') + more, language: '' };
  }
  const text = await ws.readText(rel, signal);
  const lines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  return { title: `@${rel}`, detail: `file, ${lines} lines`, body: text, language: languageOf(rel) };
}

async function symbolBlock(a: Extract<Attachment, { kind: 'symbol' }>, env: AttachmentEnv, signal: AbortSignal): Promise<Block> {
  const ws = env.workspace;
  const rel = ws.relative(await ws.resolve(a.path));
  const text = await ws.readText(rel, signal);
  const lines = text.split('\n');
  // The file's own tags, parsed now: the index may not be built yet, and the text may be newer.
  const defs = ((supports(rel) ? await extractTags(rel, text, env.log) : undefined) ?? []).filter((t) => t.role === 'def');
  // The definition nearest the line the client saw (the file may have changed since).
  const own = defs.filter((t) => t.name === a.name).sort((x, y) => Math.abs(x.line - a.line) - Math.abs(y.line - a.line))[0];
  let start = own?.line ?? a.line;
  if (!own && !(lines[start - 1] ?? '').includes(a.name)) {
    const found = lines.findIndex((l) => l.includes(a.name));
    if (found < 0) throw new AttachmentError(`@${oneLine(a.name)}: no such symbol in ${rel}.`);
    start = found + 1;
  }
  const next = defs.map((t) => t.line).filter((l) => l > start).sort((x, y) => x - y)[0];
  const end = Math.min(next ? next - 1 : lines.length, start + MAX_SYMBOL_LINES - 1, lines.length);
  const body = lines.slice(start - 1, end).join('\n').replace(/\s+$/, '');
  return { title: `@${a.name}`, detail: `${own?.kind ?? 'symbol'} in ${rel}, lines ${start}-${end}`, body, language: languageOf(rel) };
}

async function gitBlock(env: AttachmentEnv, signal: AbortSignal): Promise<Block> {
  const ctx: ToolContext = {
    workspace: env.workspace,
    runId: 'attachments',
    agentId: 'attachments',
    log: env.log,
    approveCommand: async () => ({ approved: false, reason: 'attachments run no commands' }),
    ...(env.sandbox ? { sandbox: env.sandbox } : {}),
  };
  const text = (r: Awaited<ReturnType<typeof gitTool.run>>) => (typeof r === 'string' ? r : r.text);
  const status = text(await gitTool.run({ action: 'status' }, ctx, signal));
  const diff = text(await gitTool.run({ action: 'diff' }, ctx, signal));
  return { title: '@git', detail: 'uncommitted changes: git status and git diff HEAD', body: `${status}\n\n${diff}`, language: 'diff' };
}
