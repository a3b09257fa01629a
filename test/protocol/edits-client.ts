// A test client that declares workspace/applyEdit support (as VS Code's language client does),
// answers server → client applyEdit requests, and syncs an open document.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { ServerSettings } from '../../server/protocol';
import { ensureBuilt, ROOT } from '../support/server';

export interface ApplyEditCall {
  label?: string;
  edit: {
    documentChanges?: { textDocument: { uri: string; version: number | null }; edits: { range: Range; newText: string; annotationId?: string }[] }[];
    changeAnnotations?: Record<string, { label: string; needsConfirmation?: boolean }>;
  };
}
interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface EditorClient {
  connection: MessageConnection;
  applyCalls: ApplyEditCall[];
  /** Text of the open document as this "editor" holds it. */
  text(): string;
  open(abs: string, text: string): void;
  type(text: string): void;
  close(): Promise<void>;
}

function offsetAt(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) off = text.indexOf('\n', off) + 1;
  return off + pos.character;
}

export async function startEditorClient(workspace: string, settings: Partial<ServerSettings>, answer: (call: ApplyEditCall) => boolean): Promise<EditorClient> {
  ensureBuilt();
  const child = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], cwd: workspace });
  child.stderr!.resume();
  const exited = new Promise((r) => child.on('exit', r));
  const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const applyCalls: ApplyEditCall[] = [];
  let uri = '';
  let text = '';
  let version = 0;
  const sendChange = () => connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text }] });
  connection.onRequest('workspace/applyEdit', (params: ApplyEditCall): { applied: boolean; failureReason?: string } => {
    applyCalls.push(params);
    if (!answer(params)) return { applied: false, failureReason: 'the user declined' };
    for (const dc of params.edit.documentChanges ?? []) {
      if (dc.textDocument.uri !== uri) return { applied: false, failureReason: 'unknown document' };
      if (dc.textDocument.version !== null && dc.textDocument.version !== version) return { applied: false, failureReason: 'version mismatch' };
      for (const e of [...dc.edits].reverse()) text = text.slice(0, offsetAt(text, e.range.start)) + e.newText + text.slice(offsetAt(text, e.range.end));
    }
    setTimeout(sendChange, 5); // the editor's didChange follows the edit
    return { applied: true };
  });
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
    capabilities: { workspace: { applyEdit: true, workspaceEdit: { documentChanges: true, changeAnnotationSupport: { groupsOnLabel: true } } } },
    initializationOptions: { apiKey: 'k', logLevel: 'warn', ...settings },
  });
  connection.sendNotification('initialized', {});
  return {
    connection,
    applyCalls,
    text: () => text,
    open(abs, t) {
      uri = pathToFileURL(abs).href;
      text = t;
      version = 1;
      connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'plaintext', version, text } });
    },
    type(t) {
      text = t;
      sendChange();
    },
    async close() {
      await Promise.race([connection.sendRequest('shutdown').catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
      connection.sendNotification('exit');
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(t);
      connection.dispose();
    },
  };
}
