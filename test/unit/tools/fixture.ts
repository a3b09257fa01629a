// Real temp workspaces for tool tests.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createWorkspace, EditorDocuments, type Workspace } from '../../../server/workspace';
import { createLogger } from '../../../server/log';
import type { ToolContext } from '../../../server/tools/types';

export interface Fixture {
  dir: string;
  docs: EditorDocuments;
  ws: Workspace;
  ctx: ToolContext;
  approvals: string[];
  cleanup(): Promise<void>;
}

/** A temp folder filled with `files` (path → content), a workspace on it and a tool context. */
export async function makeFixture(files: Record<string, string> = {}, approve = true): Promise<Fixture> {
  const dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'swarm-tools-')));
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), content);
  }
  const docs = new EditorDocuments();
  const ws = await createWorkspace(dir, docs);
  const approvals: string[] = [];
  const ctx: ToolContext = {
    workspace: ws,
    runId: 'run-1',
    agentId: 'agent-1',
    log: createLogger(() => 'error', () => undefined),
    approveCommand: async (command) => {
      approvals.push(command);
      return { approved: approve };
    },
  };
  return { dir, docs, ws, ctx, approvals, cleanup: () => fs.rm(dir, { recursive: true, force: true }) };
}

export const never = new AbortController().signal;
