// The backend process. Runs under VS Code (language client over IPC) and under the CLI (--stdio).
// This file only wires the connection: settings, document sync and the handler list.
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  LogMessageNotification,
  MessageType,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, type ServerSettings } from './protocol';
import type { ServerContext } from './context';
import { createLogger, stderrSink, type Level, type Sink } from './log';
import { createWorkspace, EditorDocuments, lspClientEdits, type Workspace } from './workspace';
import { handlers } from './handlers';
import { codeIndexFor } from './index/service';
import { closeSharedPool } from './visual';
import { Sandbox } from './sandbox';
import { journalBaseDir } from './workspace/journal-store';

const connection = createConnection(ProposedFeatures.all);
let settings: ServerSettings = { ...DEFAULT_SETTINGS };
let initialized = false;
let workspace: Workspace | undefined;
const editorDocuments = new EditorDocuments();
const fileListeners: ((paths: string[]) => void)[] = [];

const MESSAGE_TYPE = { error: MessageType.Error, warn: MessageType.Warning, info: MessageType.Info, debug: MessageType.Log } as const;
/** window/logMessage once the client is listening; stderr before (never stdout: it may carry JSON-RPC). */
const connectionSink: Sink = (level, line) => {
  if (!initialized) return stderrSink(level, line);
  void connection.sendNotification(LogMessageNotification.type, { type: MESSAGE_TYPE[level], message: line });
};
const log = createLogger(() => settings.logLevel as Level, connectionSink);

function mergeSettings(partial: unknown): void {
  if (partial && typeof partial === 'object') {
    const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined && v !== null));
    settings = { ...settings, ...defined };
  }
}

const sandbox = new Sandbox(() => settings, { extraHidden: [journalBaseDir()] });

const ctx: ServerContext = {
  connection,
  settings: () => settings,
  sandbox,
  get workspace(): Workspace {
    if (!workspace) throw new Error('the server has not been initialized with a workspace');
    return workspace;
  },
  log,
  onFilesChanged(listener) {
    fileListeners.push(listener);
  },
};

function uriToPath(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

function notifyChanged(paths: (string | undefined)[]): void {
  const abs = paths.filter((p): p is string => !!p);
  if (abs.length) for (const l of fileListeners) l(abs);
}

connection.onInitialize(async (params) => {
  mergeSettings(params.initializationOptions);
  const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
  const root = (folder && uriToPath(folder)) ?? params.rootPath ?? process.cwd();
  // Edits to buffers with unsaved changes go to the client as workspace/applyEdit (when it can).
  const client = lspClientEdits(connection, params.capabilities, editorDocuments, () => settings.editPreview ?? false);
  workspace = await createWorkspace(root, editorDocuments, { client });
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full, save: true },
    },
    serverInfo: { name: 'swarmcode', version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  initialized = true;
  log.info(`SwarmCode server ready in ${workspace?.root} (model ${settings.model} at ${settings.baseUrl})`);
  // Warm the search index and symbols in the background so the first run finds them ready.
  const index = codeIndexFor(ctx);
  const never = new AbortController().signal;
  Promise.all([index.search.ready(never), index.symbols.ready(never)]).catch((err: Error) => log.warn(`index warm-up failed: ${err.message}`));
});

connection.onNotification(DidChangeConfigurationNotification.type, (params) => {
  mergeSettings((params.settings as { swarmcode?: unknown })?.swarmcode ?? params.settings);
  log.debug('settings updated');
});

connection.onDidChangeWatchedFiles((params) => notifyChanged(params.changes.map((c) => uriToPath(c.uri))));

const documents = new TextDocuments(TextDocument);
documents.onDidOpen(({ document }) => {
  const p = uriToPath(document.uri);
  if (p) editorDocuments.open(p, document.getText(), document.version);
});
documents.onDidChangeContent(({ document }) => {
  const p = uriToPath(document.uri);
  // TextDocuments also reports the initial content of an opened document as a change.
  if (!p) return;
  if (editorDocuments.get(p) === document.getText()) return editorDocuments.setVersion(p, document.version);
  editorDocuments.change(p, document.getText(), document.version);
  notifyChanged([p]);
});
documents.onDidSave(({ document }) => {
  const p = uriToPath(document.uri);
  if (p) editorDocuments.saved(p);
});
documents.onDidClose(({ document }) => {
  const p = uriToPath(document.uri);
  if (!p) return;
  const wasDirty = editorDocuments.isDirty(p);
  editorDocuments.close(p);
  // Closed without saving: the index goes back to the text on disk.
  if (wasDirty) notifyChanged([p]);
});
documents.listen(connection);

for (const handler of handlers) handler.register(ctx);
connection.onShutdown(() => closeSharedPool());

process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${err instanceof Error ? err.stack : err}`));
connection.listen();
