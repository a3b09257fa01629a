// MCP: server configuration (settings), the confirmation of a workspace server's first start,
// and MCP prompts expanded with their arguments (they are listed by `swarm/commands`, protocol/rules.ts).
import { RequestType } from './rpc';

/** One server in VS Code's mcp.json shape (`type` defaults to stdio with `command`, http with `url`). */
export type McpServerSetting =
  | { type?: 'stdio'; command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { type?: 'http' | 'sse'; url: string; headers?: Record<string, string> };

/** Server → client: may this server from the workspace's .vscode/mcp.json start? Asked once per server and configuration. */
export interface McpConfirmParams {
  server: string;
  source: 'workspace';
  /** The command line or URL it would start / connect to. */
  target: string;
  /** Changes whenever the server's configuration changes (a hash): a remembered yes is for one configuration. */
  fingerprint: string;
}

export interface ExpandCommandParams {
  name: string;
  /** Values by argument name (MCP prompt arguments are strings). */
  args?: Record<string, string>;
}

export interface ExpandCommandResult {
  /** The prompt's messages as the task text (user and assistant turns labelled when there are several). */
  text: string;
  /** Images the prompt carries (base64, no data: prefix). */
  images: { mimeType: string; data: string }[];
}

export const McpConfirmRequest = new RequestType<McpConfirmParams, { approved: boolean }, void>('swarm/mcpConfirm');
/** Client → server: a command with its arguments, expanded to the text to run as a task. */
export const ExpandCommandRequest = new RequestType<ExpandCommandParams, ExpandCommandResult, void>('swarm/expandCommand');
