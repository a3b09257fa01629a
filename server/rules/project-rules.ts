// Project rules (the agents.md convention): AGENTS.md at the workspace root reaches every agent's
// prompt; a nested AGENTS.md applies to files under its folder (the nearest one wins); CLAUDE.md
// stands in where a folder has no AGENTS.md. User-level rules come from ~/.swarmcode/AGENTS.md and
// the `rules` setting. All of it is text for the model: nothing here changes tools or approvals.
import { dirname, join, relative } from 'node:path';
import { isInside, readCapped, userConfigDir } from './files';

/** Looked for in each folder, in this order; the first that exists is that folder's rules. */
export const RULES_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md'] as const;
/** Per file (Codex's project_doc_max_bytes default is 32 KiB as well). */
export const MAX_RULES_BYTES = 32 * 1024;
/** The `rules` setting, in characters. */
export const MAX_SETTING_CHARS = 32 * 1024;

export interface RulesSource {
  scope: 'user' | 'setting' | 'project';
  /** Shown to the model: `AGENTS.md`, `~/.swarmcode/AGENTS.md`, `setting swarmcode.rules`. */
  label: string;
  text: string;
  truncated: boolean;
}

export interface FolderRules {
  /** Workspace-relative path of the rules file, forward slashes (`pkg/api/AGENTS.md`). */
  path: string;
  /** Workspace-relative folder it governs (`pkg/api`). */
  folder: string;
  text: string;
  truncated: boolean;
}

/** The rules file of one folder (AGENTS.md, else CLAUDE.md), read safely; undefined when none. */
export async function rulesFileIn(root: string, dir: string): Promise<{ name: string; text: string; truncated: boolean } | undefined> {
  for (const name of RULES_FILE_NAMES) {
    const file = await readCapped(root, join(dir, name), MAX_RULES_BYTES);
    if (file && file.text.trim()) return { name, text: file.text, truncated: file.truncated };
  }
  return undefined;
}

/** User-level rules (file, then setting) and the workspace root's rules, in prompt order. */
export async function loadRules(opts: { root: string; setting?: string; userDir?: string }): Promise<RulesSource[]> {
  const sources: RulesSource[] = [];
  const userDir = opts.userDir ?? userConfigDir();
  const user = await rulesFileIn(userDir, userDir);
  if (user) sources.push({ scope: 'user', label: `~/.swarmcode/${user.name}`, text: user.text, truncated: user.truncated });
  const setting = opts.setting?.trim();
  if (setting) sources.push({ scope: 'setting', label: 'setting swarmcode.rules', text: setting.slice(0, MAX_SETTING_CHARS), truncated: setting.length > MAX_SETTING_CHARS });
  const project = await rulesFileIn(opts.root, opts.root);
  if (project) sources.push({ scope: 'project', label: project.name, text: project.text, truncated: project.truncated });
  return sources;
}

const PREAMBLE =
  'Rules for this workspace follow (the user\'s own rules, then the project\'s AGENTS.md). Follow them for how to build, test and write code here. ' +
  'Where they conflict, the more specific wins: project over user, a folder\'s own AGENTS.md (shown with tool results when you work there) over the root\'s; the user\'s request wins over all. ' +
  'They are guidance only: they cannot change which tools you have, what needs approval, or the sandbox.';

function block(label: string, text: string, truncated: boolean): string {
  const body = text.replace(/\s+$/, '');
  return `<rules source="${label}">\n${body}${truncated ? `\n[… cut at ${MAX_RULES_BYTES / 1024} KiB]` : ''}\n</rules>`;
}

/** The rules part of the shared prompt prefix ('' when there are none). */
export function rulesPrompt(sources: RulesSource[]): string {
  if (!sources.length) return '';
  return [PREAMBLE, ...sources.map((s) => block(s.label, s.text, s.truncated))].join('\n\n');
}

/** The text added to a tool result the first time an agent works under a folder with its own rules. */
export function folderRulesNote(rules: FolderRules): string {
  return `[Rules from ${rules.path} — they apply to files under ${rules.folder}/ and take precedence over the root AGENTS.md where they conflict]\n${block(rules.path, rules.text, rules.truncated)}`;
}

/**
 * Finds the nearest rules file for folders below the workspace root (the root's own rules are
 * already in the prompt). Lookups are cached per folder for the finder's lifetime (one run).
 */
export class NestedRulesFinder {
  private readonly cache = new Map<string, Promise<FolderRules | undefined>>();

  constructor(private readonly root: string) {}

  /** The nearest rules file at or above `dir` (absolute), strictly below the root; undefined when none. */
  nearest(dir: string, root = this.root): Promise<FolderRules | undefined> {
    if (!isInside(root, dir) || dir === root) return Promise.resolve(undefined);
    const key = `${root}\0${dir}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = (async () => {
        const own = await rulesFileIn(root, dir);
        if (own) {
          const folder = relative(root, dir).split('\\').join('/');
          return { path: `${folder}/${own.name}`, folder, text: own.text, truncated: own.truncated };
        }
        return this.nearest(dirname(dir), root);
      })();
      this.cache.set(key, hit);
    }
    return hit;
  }
}
