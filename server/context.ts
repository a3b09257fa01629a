// What every protocol handler gets: the live settings, the workspace, the logger.
import type { Connection } from 'vscode-languageserver/node';
import type { ServerSettings } from './protocol';
import type { Workspace } from './workspace';
import type { Logger } from './log';
import type { Sandbox } from './sandbox';

export interface ServerContext {
  readonly connection: Connection;
  settings(): ServerSettings;
  readonly workspace: Workspace;
  readonly log: Logger;
  /** Process containment and secret redaction for everything the tools start. */
  readonly sandbox: Sandbox;
  /** Called with absolute paths when files change on disk or in the editor. */
  onFilesChanged(listener: (absPaths: string[]) => void): void;
}

/** One protocol request/notification handler per file (DESIGN.md §5.3). */
export interface Handler {
  register(ctx: ServerContext): void;
}
