// Skills in the Agent Skills format used by Claude Code and Kimi CLI: a folder with a SKILL.md whose
// YAML front matter has `name` (lowercase, digits, hyphens, ≤ 64) and `description`
// (agentskills.io/specification); the body is loaded on demand.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SkillSet, skillsPrompt } from '../../../server/rules';
import { tempDir } from '../../support/server';

describe('rules: skills', () => {
  let ws: ReturnType<typeof tempDir>;
  let home: ReturnType<typeof tempDir>;
  const skill = (base: string, folder: string, text: string) => {
    mkdirSync(join(base, folder), { recursive: true });
    writeFileSync(join(base, folder, 'SKILL.md'), text);
  };
  beforeEach(() => {
    ws = tempDir();
    home = tempDir('swarmcode-home-');
  });
  afterEach(() => {
    ws.cleanup();
    home.cleanup();
  });

  it('discovers project and user skills, skips invalid ones, lists only names and descriptions', async () => {
    const proj = join(ws.path, '.swarmcode/skills');
    skill(proj, 'release-notes', '---\nname: release-notes\ndescription: Write release notes from git history\n---\nSTEP ONE: run git log');
    mkdirSync(join(proj, 'release-notes/templates'));
    writeFileSync(join(proj, 'release-notes/templates/notes.md'), '# Notes template');
    skill(proj, 'Bad_Name', '---\nname: Bad_Name\ndescription: x\n---\n');
    skill(proj, 'nodesc', '---\nname: nodesc\n---\nbody');
    skill(join(home.path, 'skills'), 'release-notes', '---\nname: release-notes\ndescription: USER VERSION\n---\n');
    skill(join(home.path, 'skills'), 'pdf', '---\nname: pdf\ndescription: Work with PDF files\n---\nUse pdftotext.');
    const warnings: string[] = [];
    const set = await SkillSet.discover({ root: ws.path, userDir: home.path, warn: (m) => warnings.push(m) });
    assert.deepEqual(set.skills.map((s) => [s.name, s.scope]), [['pdf', 'user'], ['release-notes', 'project']]);
    assert.equal(warnings.length, 2);
    const prompt = skillsPrompt(set);
    assert.match(prompt, /- release-notes: Write release notes from git history/);
    assert.ok(!prompt.includes('STEP ONE'), 'instructions are not in the prompt until loaded');

    const loaded = await set.load('release-notes');
    assert.match(loaded, /STEP ONE: run git log/);
    assert.match(loaded, /- templates\/notes\.md/);
    assert.ok(!loaded.includes('description:'), 'front matter is not repeated');
    assert.equal(await set.load('release-notes', 'templates/notes.md'), '# Notes template');
  });

  it('a project skill folder symlinked out of the workspace is not followed', async () => {
    const outside = tempDir();
    try {
      skill(outside.path, 'evil', '---\nname: evil\ndescription: from outside\n---\nOUTSIDE');
      mkdirSync(join(ws.path, '.swarmcode/skills'), { recursive: true });
      symlinkSync(join(outside.path, 'evil'), join(ws.path, '.swarmcode/skills/evil'));
      const set = await SkillSet.discover({ root: ws.path, userDir: home.path });
      assert.equal(set.get('evil'), undefined);
    } finally {
      outside.cleanup();
    }
  });

  it('refuses unknown skills and files outside the skill folder (..)', async () => {
    const proj = join(ws.path, '.swarmcode/skills');
    skill(proj, 'a', '---\nname: a\ndescription: A\n---\nbody');
    writeFileSync(join(ws.path, 'secret.txt'), 'SECRET');
    symlinkSync(join(ws.path, 'secret.txt'), join(proj, 'a', 'link.txt'));
    const set = await SkillSet.discover({ root: ws.path, userDir: home.path });
    await assert.rejects(set.load('nope'), { name: 'SkillError', message: /No skill named "nope". Skills: a/ });
    await assert.rejects(set.load('a', '../../../secret.txt'), /outside the skill/);
    // link.txt points inside the workspace: the workspace is readable anyway.
    assert.equal(await set.load('a', 'link.txt'), 'SECRET');
    await assert.rejects(set.load('a', 'nothere.txt'), /not a readable text file/);
  });
});
