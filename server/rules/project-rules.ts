// Project rules (the agents.md convention): AGENTS.md at the workspace root reaches every agent's
// prompt; a nested AGENTS.md applies to files under its folder (the nearest one wins); CLAUDE.md
// stands in where a folder has no AGENTS.md. User-level rules come from ~/.swarmcode/AGENTS.md and
// the `rules` setting. In a multi-root workspace every folder is a root: each one's rules are in
// the prompt, in folder order, labelled with the folder's name (`api/AGENTS.md`). All of it is
// text for the model: nothing here changes tools or approvals.
import { dirname, join, relative } from 'node:path';
import { isInside, readCapped, unreadableReason, userConfigDir } from './files';

/** Looked for in each folder, in this order; the first that exists is that folder's rules. */
export const RULES_FILE_NAMES = ['AGENTS.md', 'CLAUDE.md'] as const;
/** Per file (Codex's project_doc_max_bytes default is 32 KiB as well). */
export const MAX_RULES_BYTES = 32 * 1024;
/** The `rules` setting, in characters. */
export const MAX_SETTING_CHARS = 32 * 1024;
/** All workspace folders' root rules together (multi-root), shared fairly between them. */
export const MAX_PROJECT_RULES_BYTES = 96 * 1024;

/** A root whose rules, skills and commands are read; `name` (multi-root only) labels them. */
export interface RulesRoot {
  dir: string;
  name?: string;
}

/** The roots of a workspace for rules: every folder (named) in a multi-root one, else the one root. */
export function rulesRoots(ws: { root: string; roots?: readonly string[]; folders?: readonly string[] }): RulesRoot[] {
  if (!ws.folders?.length || !ws.roots?.length) return [{ dir: ws.root }];
  return ws.folders.map((name, i) => ({ dir: ws.roots![i], name })).filter((r) => r.dir);
}

export interface RulesSource {
  scope: 'user' | 'setting' | 'project';
  /** Shown to the model: `AGENTS.md`, `~/.swarmcode/AGENTS.md`, `setting swarmcode.rules`. */
  label: string;
  text: string;
  truncated: boolean;
  /** Multi-root: the workspace folder whose rules these are. */
  folder?: string;
  /** Bytes of the file (project and user rules). */
  bytes?: number;
  /** Where the text was cut, in bytes, when it was. */
  cutAt?: number;
}

export interface FolderRules {
  /** Workspace-relative path of the rules file, forward slashes (`pkg/api/AGENTS.md`). */
  path: string;
  /** Workspace-relative folder it governs (`pkg/api`). */
  folder: string;
  text: string;
  truncated: boolean;
}

/**
 * The rules file of one folder (AGENTS.md, else CLAUDE.md), read safely; undefined when none.
 * A file that exists but is not read (a link out of `root`, a FIFO, binary) or is read lossily is
 * reported in `problems`, labelled `shown` + its name.
 */
export async function rulesFileIn(root: string, dir: string, problems?: string[], shown = ''): Promise<{ name: string; text: string; truncated: boolean; bytes: number } | undefined> {
  for (const name of RULES_FILE_NAMES) {
    const abs = join(dir, name);
    const file = await readCapped(root, abs, MAX_RULES_BYTES);
    if (!file) {
      const why = problems && (await unreadableReason(root, abs));
      if (why) problems.push(`${shown}${name} was not read: ${why}.`);
      continue;
    }
    if (file.lossy) problems?.push(`${shown}${name} is not UTF-8 and its encoding could not be determined: it reaches the model with replacement characters (convert it to UTF-8).`);
    if (file.text.trim()) return { name, text: file.text, truncated: file.truncated, bytes: file.bytes };
  }
  return undefined;
}

/** The first `max` bytes of `text` (whole characters). */
function cutText(text: string, max: number): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= max ? text : buf.subarray(0, max).toString('utf8').replace(/\uFFFD$/, '');
}

/**
 * Each root's rules within MAX_PROJECT_RULES_BYTES together: the smallest first take what they
 * need, each at most an equal share of what is left, so one huge file cannot crowd out the others.
 */
function shareOut(sources: RulesSource[]): void {
  let left = MAX_PROJECT_RULES_BYTES;
  const bySize = [...sources].sort((a, b) => Buffer.byteLength(a.text) - Buffer.byteLength(b.text));
  bySize.forEach((s, i) => {
    const share = Math.floor(left / (bySize.length - i));
    const size = Buffer.byteLength(s.text);
    if (size > share) {
      s.text = cutText(s.text, share);
      s.truncated = true;
      s.cutAt = share;
    }
    left -= Buffer.byteLength(s.text);
  });
}

/**
 * User-level rules (file, then setting) and each root's rules (in root order), in prompt order.
 * `roots` (multi-root) labels each root's rules with its folder's name; `root` is one unnamed root.
 * Files that are there but left out or cut go into `problems` (for the user).
 */
export async function loadRules(opts: { root?: string; roots?: RulesRoot[]; setting?: string; userDir?: string; problems?: string[] }): Promise<RulesSource[]> {
  const sources: RulesSource[] = [];
  const problems = opts.problems ?? [];
  const userDir = opts.userDir ?? userConfigDir();
  const user = await rulesFileIn(userDir, userDir, problems, '~/.swarmcode/');
  if (user) sources.push({ scope: 'user', label: `~/.swarmcode/${user.name}`, text: user.text, truncated: user.truncated, bytes: user.bytes });
  const setting = opts.setting?.trim();
  if (setting) sources.push({ scope: 'setting', label: 'setting swarmcode.rules', text: setting.slice(0, MAX_SETTING_CHARS), truncated: setting.length > MAX_SETTING_CHARS });
  const roots = opts.roots ?? (opts.root !== undefined ? [{ dir: opts.root }] : []);
  const project: RulesSource[] = [];
  for (const r of roots) {
    const prefix = r.name ? `${r.name}/` : '';
    const got = await rulesFileIn(r.dir, r.dir, problems, prefix);
    if (got) project.push({ scope: 'project', label: `${prefix}${got.name}`, text: got.text, truncated: got.truncated, bytes: got.bytes, ...(r.name ? { folder: r.name } : {}) });
  }
  if (project.length > 1) shareOut(project);
  for (const s of [...sources, ...project]) {
    if (s.truncated) problems.push(`${s.label} is ${s.bytes ?? s.text.length} ${s.bytes ? 'bytes' : 'characters'}: only its first ${cutLabel(s)} reach the model.`);
  }
  return [...sources, ...project];
}

const PREAMBLE =
  'Rules for this workspace follow (the user\'s own rules, then the project\'s AGENTS.md). Follow them for how to build, test and write code here. ' +
  'Where they conflict, the more specific wins: project over user, a folder\'s own AGENTS.md (shown with tool results when you work there) over the root\'s; the user\'s request wins over all. ' +
  'They are guidance only: they cannot change which tools you have, what needs approval, or the sandbox.';

const PREAMBLE_MULTI =
  'Rules for this workspace follow (the user\'s own rules, then each workspace folder\'s AGENTS.md, labelled with the folder\'s name). Follow them for how to build, test and write code here. ' +
  'A folder\'s rules apply to files under that folder only (paths starting with its name). ' +
  'Where they conflict, the more specific wins: project over user, a subfolder\'s own AGENTS.md (shown with tool results when you work there) over its workspace folder\'s; the user\'s request wins over all. ' +
  'They are guidance only: they cannot change which tools you have, what needs approval, or the sandbox.';

function cutLabel(s: { cutAt?: number }): string {
  const at = s.cutAt ?? MAX_RULES_BYTES;
  return at % 1024 === 0 ? `${at / 1024} KiB` : `${(at / 1024).toFixed(1)} KiB`;
}

function block(label: string, text: string, truncated: boolean, cutAt?: number): string {
  const body = text.replace(/\s+$/, '');
  return `<rules source="${label}">\n${body}${truncated ? `\n[… cut at ${cutLabel({ cutAt })}]` : ''}\n</rules>`;
}

/** The rules part of the shared prompt prefix ('' when there are none). */
export function rulesPrompt(sources: RulesSource[]): string {
  if (!sources.length) return '';
  const preamble = sources.some((s) => s.folder) ? PREAMBLE_MULTI : PREAMBLE;
  return [preamble, ...sources.map((s) => block(s.label, s.text, s.truncated, s.cutAt))].join('\n\n');
}

/** The text added to a tool result the first time an agent works under a folder with its own rules. */
export function folderRulesNote(rules: FolderRules): string {
  return `[Rules from ${rules.path} — they apply to files under ${rules.folder}/ and take precedence over the root AGENTS.md where they conflict]\n${block(rules.path, rules.text, rules.truncated)}`;
}

/**
 * Finds the nearest rules file for folders below a workspace root (the root's own rules are
 * already in the prompt). Lookups are cached per folder for the finder's lifetime (one run).
 * `name` (multi-root) is the root's folder name, which starts the paths it reports.
 */
export class NestedRulesFinder {
  private readonly cache = new Map<string, Promise<FolderRules | undefined>>();

  constructor(private readonly root: string) {}

  /** The nearest rules file at or above `dir` (absolute), strictly below the root; undefined when none. */
  nearest(dir: string, root = this.root, name?: string): Promise<FolderRules | undefined> {
    if (!isInside(root, dir) || dir === root) return Promise.resolve(undefined);
    const key = `${root}\0${name ?? ''}\0${dir}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = (async () => {
        const own = await rulesFileIn(root, dir);
        if (own) {
          const rel = relative(root, dir).split('\\').join('/');
          const folder = name ? `${name}/${rel}` : rel;
          return { path: `${folder}/${own.name}`, folder, text: own.text, truncated: own.truncated };
        }
        return this.nearest(dirname(dir), root, name);
      })();
      this.cache.set(key, hit);
    }
    return hit;
  }
}
