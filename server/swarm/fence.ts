// A workspace view whose edit tools write only the listed files (a refactor shard's fix round):
// writes, edits, deletes and moves of any other file are refused with a ToolError the agent reads.
// Commands run, but what one changes outside the listed files is put back byte for byte as it was
// before the command (through the command journal's snapshots, command-undo.ts), and the tool
// result says which files and why. A file another fenced agent owns that changed while that
// agent's command ran too is left to it (the snapshots cannot tell whose command changed it).
import { readingView, type Workspace } from '../workspace';
import { ToolError } from '../tools/types';

/** Commands of fenced agents in flight (or overlapping one in flight), per workspace root. */
interface Flight {
  owns: Set<string>;
  start: number;
  end?: number;
}
const flights = new Map<string, Set<Flight>>();
let clock = 0;

async function fencedCommand<T>(ws: Workspace, allowed: Set<string>, writable: string[], fn: () => Promise<T>) {
  let set = flights.get(ws.root);
  if (!set) flights.set(ws.root, (set = new Set()));
  const me: Flight = { owns: allowed, start: ++clock };
  set.add(me);
  const others = () => [...set!].filter((f) => f !== me && (f.end === undefined || f.end > me.start));
  const ownedByOther = (p: string) => others().some((f) => f.owns.has(p));
  try {
    const r = await ws.journalCommand!(fn, { fenced: (p) => !allowed.has(p) && !ownedByOther(p) });
    const lines: string[] = [];
    if (r.restored?.length) lines.push(`[put back as they were before this command, byte for byte: ${r.restored.join(', ')}. This task may change only its own files (${writable.join(', ')}); leave other files to their owners and say in your answer what they need.]`);
    for (const l of r.left ?? []) lines.push(`[${l.path} is outside this task's files but was left as is: ${l.reason.replace(/\.$/, '')}.]`);
    const shared = r.changed.filter((p) => !allowed.has(p) && !r.left?.some((l) => l.path === p));
    if (shared.length) lines.push(`[changed outside this task's files while another agent's command ran, left to that agent: ${shared.join(', ')}]`);
    return lines.length ? { ...r, notice: lines.join('\n') } : r;
  } finally {
    me.end = ++clock;
    // A finished command matters only while a command that overlapped it is still running.
    const oldest = Math.min(...[...set].filter((f) => f.end === undefined).map((f) => f.start));
    for (const f of set) if (f.end !== undefined && f.end < oldest) set.delete(f);
    if (!set.size) flights.delete(ws.root);
  }
}

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
  if (ws.journalCommand) view.journalCommand = (fn) => fencedCommand(ws, allowed, writable, fn);
  return view;
}
