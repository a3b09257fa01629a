// A workspace view for one agent (its own read versions) that records the files it writes, edits,
// deletes, moves or changes by command: what the swarm reports as the agent's changed files.
import { readingView, type Workspace } from '../workspace';

export function recording(base: Workspace, changed: Set<string>, agentId: string): Workspace {
  const ws = base.forAgent?.(agentId) ?? base;
  const note = async (p: string) => changed.add(ws.relative(await ws.resolve(p)));
  return {
    ...readingView(ws),
    async writeText(p, content, s) {
      await ws.writeText(p, content, s);
      await note(p);
    },
    ...(ws.editText
      ? {
          async editText(p: string, edit: Parameters<NonNullable<Workspace['editText']>>[1], s?: AbortSignal) {
            const r = await ws.editText!(p, edit, s);
            await note(p);
            return r;
          },
        }
      : {}),
    ...(ws.journalCommand
      ? {
          async journalCommand<T>(fn: () => Promise<T>) {
            const r = await ws.journalCommand!(fn);
            for (const p of r.changed) changed.add(p);
            return r;
          },
        }
      : {}),
    ...(ws.deleteFile
      ? {
          async deleteFile(p: string, s?: AbortSignal) {
            const rel = ws.relative(await ws.resolve(p)); // resolved before the file is gone
            await ws.deleteFile!(p, s);
            changed.add(rel);
          },
        }
      : {}),
    ...(ws.moveFile
      ? {
          async moveFile(from: string, to: string, o?: { overwrite?: boolean }, s?: AbortSignal) {
            const r = await ws.moveFile!(from, to, o, s);
            changed.add(r.from).add(r.to);
            return r;
          },
        }
      : {}),
  };
}
