// A workspace view whose edit tools write only the listed files (a refactor shard's fix round):
// writes, edits, deletes and moves of any other file are refused with a ToolError the agent reads.
// Reads and commands are untouched (a command may still change files; the run's journal lists them).
import { readingView, type Workspace } from '../workspace';
import { ToolError } from '../tools/types';

export function fenced(ws: Workspace, writable: string[]): Workspace {
  const allowed = new Set(writable);
  const check = async (p: string): Promise<void> => {
    const rel = ws.relative(await ws.resolve(p));
    if (!allowed.has(rel)) {
      throw new ToolError(`Refused to write ${rel}: this task may change only its own files (${writable.join(', ')}). Leave other files to their owners and say in your answer what they need.`);
    }
  };
  const view: Workspace = {
    ...readingView(ws),
    async writeText(p, content, s) {
      await check(p);
      return ws.writeText(p, content, s);
    },
    forAgent: (id) => fenced(ws.forAgent?.(id) ?? ws, writable),
  };
  if (ws.editText) view.editText = async (p, edit, s) => (await check(p), ws.editText!(p, edit, s));
  if (ws.deleteFile) view.deleteFile = async (p, s) => (await check(p), ws.deleteFile!(p, s));
  if (ws.moveFile) view.moveFile = async (from, to, o, s) => (await check(from), await check(to), ws.moveFile!(from, to, o, s));
  if (ws.putRaw) view.putRaw = async (p, raw) => (await check(p), ws.putRaw!(p, raw));
  if (ws.journalCommand) view.journalCommand = (fn) => ws.journalCommand!(fn);
  return view;
}
