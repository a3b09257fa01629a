// The backend process. Runs under VS Code (language client over IPC) and under the CLI (--stdio).
// This file only wires the connection: settings, document sync and the handler list.
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  ErrorCodes,
  ProposedFeatures,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  DidChangeConfigurationNotification,
  LogMessageNotification,
  MessageType,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, type EnginesInfo, type ServerSettings, type SwarmInitializeResult } from './protocol';
import type { ServerContext } from './context';
import { createLogger, stderrSink, type Level, type Sink } from './log';
import { createWorkspace, EditorDocuments, lspClientEdits, type Workspace } from './workspace';
import { handlers } from './handlers';
import { codeIndexFor } from './index/service';
import { closeSharedPool } from './visual';
import { Sandbox } from './sandbox';
import { journalBaseDir } from './workspace/journal-store';
import { describeIssues, settingsSchema } from './handlers/params';
import { exitOnBrokenTransport, transportFromArgv } from './transport';
import { closeMcp } from './mcp';

const transport = transportFromArgv(process.argv.slice(2));
const connection = transport ? createConnection(ProposedFeatures.all, transport.reader, transport.writer) : createConnection(ProposedFeatures.all);
let shutdownReceived = false;
let settings: ServerSettings = { ...DEFAULT_SETTINGS };
let initialized = false;
let initializing = false;
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

/** The defined (non-null) entries of a settings object; what fails its check is listed in `invalid`. */
function checkSettings(partial: unknown): { valid: Partial<ServerSettings>; invalid: string[] } {
  if (!partial || typeof partial !== 'object' || Array.isArray(partial)) return { valid: {}, invalid: partial == null ? [] : ['settings: expected an object'] };
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined && v !== null));
  const parsed = settingsSchema.safeParse(defined);
  if (parsed.success) return { valid: parsed.data, invalid: [] };
  // Keep the valid keys, drop the rest.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const valid = Object.fromEntries(Object.entries(defined).filter(([k]) => !bad.has(k))) as Partial<ServerSettings>;
  return { valid, invalid: [describeIssues(parsed.error)] };
}

function mergeSettings(partial: unknown): void {
  const { valid, invalid } = checkSettings(partial);
  if (invalid.length) log.warn(`settings ignored: ${invalid.join('; ')}`);
  settings = { ...settings, ...valid };
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
  // LSP: initialize is sent once. A second one must not move the workspace (and its sandbox) root.
  if (workspace || initializing) throw new ResponseError(ErrorCodes.InvalidRequest, 'the server is already initialized; initialize may be sent only once');
  initializing = true;
  const { invalid } = checkSettings(params.initializationOptions);
  if (invalid.length) {
    initializing = false;
    throw new ResponseError(ErrorCodes.InvalidParams, `initialize: invalid initializationOptions: ${invalid.join('; ')}`);
  }
  mergeSettings(params.initializationOptions);
  // Every workspace folder is a root (multi-root: tool paths start with the folder's name).
  const folders = (params.workspaceFolders ?? []).flatMap((f) => {
    const p = uriToPath(f.uri);
    return p ? [{ path: p, name: f.name }] : [];
  });
  const folder = params.rootUri ?? undefined;
  const root = folders.length ? folders : ((folder && uriToPath(folder)) ?? params.rootPath ?? process.cwd());
  // Edits to buffers with unsaved changes go to the client as workspace/applyEdit (when it can).
  const client = lspClientEdits(connection, params.capabilities, editorDocuments, () => settings.editPreview ?? false);
  try {
    workspace = await createWorkspace(root, editorDocuments, { client });
  } finally {
    initializing = false;
  }
  // The engines are chosen here (the index and the grammars load now, not at the first search).
  const index = codeIndexFor(ctx);
  const engines: EnginesInfo = { search: index.search.choice(), symbols: await index.symbols.engineInfo() };
  const result: SwarmInitializeResult = {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full, save: true },
      experimental: { swarmcode: { engines } },
    },
    serverInfo: { name: 'swarmcode', version: '0.1.0' },
  };
  return result;
});

connection.onInitialized(() => {
  initialized = true;
  log.info(`SwarmCode server ready in ${workspace?.folders ? workspace.roots?.join(', ') : workspace?.root} (model ${settings.model} at ${settings.baseUrl})`);
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
connection.onShutdown(() => {
  shutdownReceived = true;
  return Promise.all([closeSharedPool(), closeMcp()]).then(() => undefined);
});
if (transport) exitOnBrokenTransport(transport, (message) => {
  // stderr always (the client keeps the server's stderr); the connection too, if it still writes.
  stderrSink('error', message);
  if (initialized) log.error(message);
}, () => shutdownReceived);

process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${err instanceof Error ? err.stack : err}`));
connection.listen();
