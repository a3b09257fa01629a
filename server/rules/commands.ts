// Slash commands: the built-in ones, custom commands from `.swarmcode/commands/*.md` (project) and
// `~/.swarmcode/commands/*.md` (user) — markdown whose `$ARGUMENTS` (and `$1`…`$9`) take what
// follows the command, as Claude Code's custom slash commands do — and any other source that
// registers itself (MCP prompts). A task that starts with `/name` is expanded before the run.
// Multi-root: every folder's `.swarmcode/commands`, in folder order; the first folder that has a
// name owns `/name`, a later folder's command of the same name is `/folder:name`.
import { join } from 'node:path';
import type { RulesRoot } from './project-rules';
import { parseFrontMatter } from './frontmatter';
import { listDir, readCapped, userConfigDir } from './files';
import { BUILTIN_COMMANDS, builtinExpansion, CommandError, type Expansion } from './builtins';
import type { CommandInfo, CommandSourceKind } from '../protocol/rules';

export type { CommandInfo, CommandSourceKind, Expansion };
export { CommandError };

export const MAX_COMMAND_BYTES = 32 * 1024;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** A provider of commands. `expand` answers undefined for names it does not own. */
export interface CommandSource {
  list(signal?: AbortSignal): Promise<CommandInfo[]>;
  expand(name: string, args: string, signal?: AbortSignal): Promise<Expansion | undefined>;
}

/** `/name rest` → {name, args}; undefined when the text is not a command. */
export function parseSlash(text: string): { name: string; args: string } | undefined {
  const m = /^\/([A-Za-z0-9][A-Za-z0-9_.:-]*)(?:\s+([\s\S]*))?$/.exec(text.trim());
  return m ? { name: m[1], args: (m[2] ?? '').trim() } : undefined;
}

/** Claude Code's substitution: `$ARGUMENTS` is the whole argument text, `$1`…`$9` its words. */
export function substitute(body: string, args: string): string {
  const words = args.split(/\s+/).filter(Boolean);
  const uses = /\$ARGUMENTS|\$[1-9]/.test(body);
  const out = body.replace(/\$ARGUMENTS|\$([1-9])/g, (m, n: string | undefined) => (n ? (words[Number(n) - 1] ?? '') : args));
  // A command that does not place its arguments gets them after its text.
  return !uses && args ? `${out.trimEnd()}\n\n${args}` : out;
}

const builtinSource: CommandSource = {
  list: async () => BUILTIN_COMMANDS,
  expand: async (name, args) => builtinExpansion(name, args),
};

/**
 * Markdown command files of one folder; read on each call, so edits apply without a restart.
 * Files must resolve inside `contain` (the workspace for project commands: a `.swarmcode/commands`
 * symlinked to a folder elsewhere is not followed out of it).
 */
export function folderSource(dir: string, source: 'project' | 'user', contain = dir): CommandSource {
  const read = async (name: string) => {
    const file = await readCapped(contain, join(dir, `${name}.md`), MAX_COMMAND_BYTES);
    return file && parseFrontMatter(file.text);
  };
  return {
    async list() {
      const out: CommandInfo[] = [];
      for (const e of await listDir(dir)) {
        if (e.dir || !e.name.endsWith('.md')) continue;
        const name = e.name.slice(0, -3);
        if (!NAME.test(name)) continue;
        const parsed = await read(name);
        if (!parsed) continue;
        const firstLine = parsed.body.trim().split('\n')[0]?.slice(0, 120) ?? '';
        out.push({
          name,
          description: (parsed.fields.description || firstLine).slice(0, 300),
          ...(parsed.fields['argument-hint'] ? { argumentHint: parsed.fields['argument-hint'].slice(0, 120) } : {}),
          source,
          runsIn: 'server',
        });
      }
      return out;
    },
    async expand(name, args) {
      if (!NAME.test(name)) return undefined;
      const parsed = await read(name);
      return parsed ? { task: substitute(parsed.body.trim(), args) } : undefined;
    },
  };
}

const extraSources: CommandSource[] = [];

/** Adds a source after the built-in, project and user commands (e.g. MCP prompts). */
export function registerCommandSource(source: CommandSource): () => void {
  extraSources.push(source);
  return () => {
    const i = extraSources.indexOf(source);
    if (i >= 0) extraSources.splice(i, 1);
  };
}

/**
 * The commands of several workspace folders as one source: each listed with its `folder`; the
 * first folder (in order) with a name has `/name`, later ones `/folder:name` (when that is a
 * valid command name).
 */
export function foldersSource(roots: RulesRoot[]): CommandSource {
  const each = roots.map((r) => ({ folder: r.name ?? '', source: folderSource(join(r.dir, '.swarmcode', 'commands'), 'project', r.dir) }));
  return {
    async list(signal) {
      const seen = new Set<string>();
      const out: CommandInfo[] = [];
      for (const { folder, source } of each) {
        for (const c of await source.list(signal).catch(() => [] as CommandInfo[])) {
          const name = seen.has(c.name) ? `${folder}:${c.name}` : c.name;
          if (seen.has(name) || !NAME.test(name)) continue;
          seen.add(name);
          out.push({ ...c, name, folder });
        }
      }
      return out;
    },
    async expand(name, args, signal) {
      const colon = name.indexOf(':');
      const owner = colon > 0 ? each.find((e) => e.folder === name.slice(0, colon)) : undefined;
      if (owner) return owner.source.expand(name.slice(colon + 1), args, signal);
      for (const { source } of each) {
        const got = await source.expand(name, args, signal);
        if (got) return got;
      }
      return undefined;
    },
  };
}

/**
 * The command sources for a workspace, in precedence order (an earlier one wins a name): built-in,
 * the project's (every folder's, multi-root), the user's, then registered ones.
 */
export function commandSources(roots: string | RulesRoot[], userDir = userConfigDir()): CommandSource[] {
  const list = typeof roots === 'string' ? [{ dir: roots }] : roots;
  const project = list.length === 1 && !list[0].name ? folderSource(join(list[0].dir, '.swarmcode', 'commands'), 'project', list[0].dir) : foldersSource(list);
  return [builtinSource, project, folderSource(join(userDir, 'commands'), 'user'), ...extraSources];
}

/** Every command, first source winning a name. */
export async function listCommands(sources: CommandSource[], signal?: AbortSignal): Promise<CommandInfo[]> {
  const seen = new Map<string, CommandInfo>();
  for (const s of sources) {
    const items = await s.list(signal).catch(() => [] as CommandInfo[]);
    for (const c of items) if (!seen.has(c.name)) seen.set(c.name, c);
  }
  return [...seen.values()];
}

/**
 * Expands a task that starts with a command. Plain text, and `/word` that names no command
 * (a path, say), comes back unchanged. A chat-panel-only command is an error.
 */
export async function expandTask(task: string, sources: CommandSource[], signal?: AbortSignal): Promise<Expansion & { command?: string }> {
  const slash = parseSlash(task);
  if (!slash) return { task };
  const client = BUILTIN_COMMANDS.find((c) => c.name === slash.name && c.runsIn === 'client');
  if (client) throw new CommandError(`/${slash.name} is a chat panel command (${client.description.toLowerCase()}); it does not start a run.`);
  for (const s of sources) {
    const got = await s.expand(slash.name, slash.args, signal);
    if (got) return { ...got, command: slash.name };
  }
  return { task };
}
