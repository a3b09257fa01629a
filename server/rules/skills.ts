// Skills (the Agent Skills format of Claude Code and Kimi CLI): a folder with a SKILL.md whose YAML
// front matter gives `name` and `description`, its body the instructions, plus optional files.
// The model sees each skill's name and description in the prompt and loads one on demand with
// the load_skill tool. Folders: <workspace>/.swarmcode/skills/ (of every root, in root order, in a
// multi-root workspace) and ~/.swarmcode/skills/.
import { join } from 'node:path';
import type { RulesRoot } from './project-rules';
import { parseFrontMatter } from './frontmatter';
import { isInside, listDir, readCapped, userConfigDir } from './files';

export const MAX_SKILL_BYTES = 64 * 1024;
export const MAX_SKILLS = 100;
const MAX_DESCRIPTION_CHARS = 1024;
const MAX_LISTED_FILES = 50;
/** The Agent Skills spec: lowercase letters, digits and hyphens, at most 64 characters. */
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface Skill {
  name: string;
  description: string;
  scope: 'project' | 'user';
  /** Absolute folder of the skill. */
  dir: string;
  /** Shown to the model: `.swarmcode/skills/x` (multi-root: `api/.swarmcode/skills/x`) or `~/.swarmcode/skills/x`. */
  label: string;
  /** Every file of the skill must resolve inside this folder (the workspace for project skills). */
  contain: string;
}

export class SkillError extends Error {
  override name = 'SkillError';
}

async function skillsIn(base: string, scope: Skill['scope'], labelBase: string, warn: (m: string) => void, contain = base): Promise<Skill[]> {
  const out: Skill[] = [];
  for (const entry of await listDir(base)) {
    if (!entry.dir || entry.name.startsWith('.')) continue;
    const dir = join(base, entry.name);
    const file = await readCapped(contain, join(dir, 'SKILL.md'), MAX_SKILL_BYTES);
    if (!file) continue;
    const { fields } = parseFrontMatter(file.text);
    const name = (fields.name ?? entry.name).trim();
    const description = (fields.description ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_DESCRIPTION_CHARS);
    if (!NAME.test(name) || name.length > 64) {
      warn(`skill ${labelBase}/${entry.name} skipped: its name ${JSON.stringify(name)} must be lowercase letters, digits and hyphens (at most 64)`);
      continue;
    }
    if (!description) {
      warn(`skill ${labelBase}/${entry.name} skipped: SKILL.md has no description in its front matter`);
      continue;
    }
    out.push({ name, description, scope, dir, label: `${labelBase}/${entry.name}`, contain });
  }
  return out;
}

/**
 * The skills one run can use. One name, one skill: the project's win over the user's, and in a
 * multi-root workspace the first folder's over a later one's (the hidden one is warned about).
 */
export class SkillSet {
  private constructor(readonly skills: Skill[]) {}

  static empty(): SkillSet {
    return new SkillSet([]);
  }

  static async discover(opts: { root?: string; roots?: RulesRoot[]; userDir?: string; warn?: (m: string) => void }): Promise<SkillSet> {
    const warn = opts.warn ?? (() => undefined);
    const roots = opts.roots ?? (opts.root !== undefined ? [{ dir: opts.root }] : []);
    const project: Skill[] = [];
    for (const r of roots) project.push(...(await skillsIn(join(r.dir, '.swarmcode', 'skills'), 'project', `${r.name ? `${r.name}/` : ''}.swarmcode/skills`, warn, r.dir)));
    const user = await skillsIn(join(opts.userDir ?? userConfigDir(), 'skills'), 'user', '~/.swarmcode/skills', warn);
    const byName = new Map<string, Skill>();
    for (const s of [...project, ...user]) {
      const first = byName.get(s.name);
      if (!first) byName.set(s.name, s);
      else if (s.scope === 'project') warn(`skill ${s.label} is hidden by ${first.label} of the same name (the first workspace folder wins)`);
    }
    const all = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (all.length > MAX_SKILLS) warn(`${all.length} skills found; only the first ${MAX_SKILLS} by name are offered`);
    return new SkillSet(all.slice(0, MAX_SKILLS));
  }

  get(name: string): Skill | undefined {
    return this.skills.find((s) => s.name === name);
  }

  /** A skill's instructions and the list of its other files; or one of its files with `file`. */
  async load(name: string, file?: string): Promise<string> {
    const skill = this.get(name);
    if (!skill) {
      throw new SkillError(`No skill named ${JSON.stringify(name)}. ${this.skills.length ? `Skills: ${this.skills.map((s) => s.name).join(', ')}.` : 'There are no skills.'}`);
    }
    if (file !== undefined) {
      const abs = join(skill.dir, file);
      if (!isInside(skill.dir, abs)) throw new SkillError(`${file} is outside the skill's folder.`);
      const got = await readCapped(skill.contain, abs, MAX_SKILL_BYTES);
      if (!got) throw new SkillError(`${file} is not a readable text file in skill ${name}.`);
      return `${got.text}${got.truncated ? `\n[… cut at ${MAX_SKILL_BYTES / 1024} KiB of ${got.bytes} bytes]` : ''}`;
    }
    const got = await readCapped(skill.contain, join(skill.dir, 'SKILL.md'), MAX_SKILL_BYTES);
    if (!got) throw new SkillError(`The SKILL.md of ${name} can no longer be read.`);
    const files = (await filesOf(skill.dir)).filter((f) => f !== 'SKILL.md');
    const listing = files.length
      ? `\n\nFiles in this skill (read one with load_skill {"name": "${name}", "file": PATH}):\n${files.map((f) => `- ${f}`).join('\n')}`
      : '';
    return `Skill "${name}" (${skill.label}) loaded. Follow its instructions:\n\n${parseFrontMatter(got.text).body.trim()}${listing}`;
  }
}

async function filesOf(dir: string, prefix = '', depth = 0, out: string[] = []): Promise<string[]> {
  if (depth > 3) return out;
  for (const e of await listDir(join(dir, prefix))) {
    if (out.length >= MAX_LISTED_FILES || e.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.dir) await filesOf(dir, rel, depth + 1, out);
    else out.push(rel);
  }
  return out;
}

/** The skills part of the shared prompt prefix ('' when there are none). */
export function skillsPrompt(set: SkillSet): string {
  if (!set.skills.length) return '';
  const lines = set.skills.map((s) => `- ${s.name}: ${s.description}`);
  return `Skills you can load with load_skill {"name": …} when a task matches one (its instructions then tell you how to proceed):\n${lines.join('\n')}`;
}
