// Project rules, skills and commands of a multi-root workspace (every folder a root; LSP
// `workspaceFolders`): each folder's AGENTS.md labelled with its name (agents.md: "the closest
// AGENTS.md to the edited file wins", so a folder's rules govern its own files), and hostile rule
// files: huge (shared budget), linked out of the root, not UTF-8 (decoded as the editor decodes:
// UTF-16 by BOM, Windows-1252 by detection — the WHATWG Encoding Standard's names).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSources, expandTask, listCommands, loadRules, MAX_RULES_BYTES, NestedRulesFinder, rulesPrompt, SkillSet } from '../../../server/rules';
import { MAX_PROJECT_RULES_BYTES } from '../../../server/rules/project-rules';
import { tempDir } from '../../support/server';

describe('rules: multi-root workspaces', () => {
  let base: ReturnType<typeof tempDir>;
  let home: ReturnType<typeof tempDir>;
  const put = (root: string, rel: string, text: string | Buffer) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  let api = '';
  let web = '';
  const roots = () => [{ dir: api, name: 'api' }, { dir: web, name: 'web' }];
  beforeEach(() => {
    base = tempDir();
    home = tempDir('swarmcode-home-');
    api = join(base.path, 'api');
    web = join(base.path, 'web');
    mkdirSync(api);
    mkdirSync(web);
  });
  afterEach(() => {
    base.cleanup();
    home.cleanup();
  });

  it('reads every root\'s rules in root order, labelled with the folder name', async () => {
    put(api, 'AGENTS.md', 'API RULE');
    put(web, 'CLAUDE.md', 'WEB RULE');
    const sources = await loadRules({ roots: roots(), userDir: home.path });
    assert.deepEqual(sources.map((s) => [s.label, s.text, s.folder]), [['api/AGENTS.md', 'API RULE', 'api'], ['web/CLAUDE.md', 'WEB RULE', 'web']]);
    const text = rulesPrompt(sources);
    assert.match(text, /each workspace folder's AGENTS\.md, labelled with the folder's name/);
    assert.ok(text.indexOf('<rules source="api/AGENTS.md">\nAPI RULE') < text.indexOf('<rules source="web/CLAUDE.md">\nWEB RULE'));
    // Read again: byte for byte the same (the prompt prefix is stable).
    assert.equal(rulesPrompt(await loadRules({ roots: roots(), userDir: home.path })), text);
  });

  it('a huge AGENTS.md is cut to its share and cannot crowd out another root\'s rules', async () => {
    put(api, 'AGENTS.md', 'A'.repeat(10 * MAX_RULES_BYTES));
    put(web, 'AGENTS.md', 'WEB RULE');
    const problems: string[] = [];
    const [a, w] = await loadRules({ roots: roots(), userDir: home.path, problems });
    assert.equal(a.text.length, MAX_RULES_BYTES, 'the per-file cap');
    assert.equal(a.truncated, true);
    assert.equal(w.text, 'WEB RULE');
    assert.match(rulesPrompt([a, w]), /cut at 32 KiB\]\n<\/rules>/);
    assert.deepEqual(problems, [`api/AGENTS.md is ${10 * MAX_RULES_BYTES} bytes: only its first 32 KiB reach the model.`]);

    // Many roots of big files: all of them together stay within the shared budget, each gets a fair share.
    const many = Array.from({ length: 6 }, (_, i) => ({ dir: join(base.path, `r${i}`), name: `r${i}` }));
    for (const r of many) put(r.dir, 'AGENTS.md', `${r.name} `.repeat(MAX_RULES_BYTES));
    put(many[0].dir, 'AGENTS.md', 'small one');
    const all = await loadRules({ roots: many, userDir: home.path });
    assert.equal(all.length, 6);
    assert.equal(all[0].text, 'small one');
    const total = all.reduce((n, s) => n + Buffer.byteLength(s.text), 0);
    assert.ok(total <= MAX_PROJECT_RULES_BYTES, `${total} bytes`);
    for (const s of all.slice(1)) assert.ok(s.truncated && Buffer.byteLength(s.text) >= Math.floor((MAX_PROJECT_RULES_BYTES - 9) / 5) - 4, s.label);
  });

  it('a root AGENTS.md linked outside its root is not read, and the user is told; CLAUDE.md stands in', async () => {
    const outside = tempDir('swarmcode-secret-');
    try {
      writeFileSync(join(outside.path, 'id_rsa'), 'BEGIN-PRIVATE-KEY');
      symlinkSync(join(outside.path, 'id_rsa'), join(web, 'AGENTS.md'));
      put(web, 'CLAUDE.md', 'WEB CLAUDE');
      // A link from one root into another root is outside its own root too.
      symlinkSync(join(web, 'CLAUDE.md'), join(api, 'AGENTS.md'));
      const problems: string[] = [];
      const sources = await loadRules({ roots: roots(), userDir: home.path, problems });
      assert.deepEqual(sources.map((s) => s.label), ['web/CLAUDE.md']);
      assert.ok(!rulesPrompt(sources).includes('BEGIN-PRIVATE-KEY'));
      assert.deepEqual(problems, [
        'api/AGENTS.md was not read: it is a link to a file outside its folder, which is never read.',
        'web/AGENTS.md was not read: it is a link to a file outside its folder, which is never read.',
      ]);
    } finally {
      outside.cleanup();
    }
  });

  it('non-UTF-8 rule files: UTF-16 and Windows-1252 are decoded; undeterminable bytes are read lossily and reported', async () => {
    put(api, 'AGENTS.md', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Règle UTF-16: ça marche', 'utf16le')]));
    put(web, 'AGENTS.md', Buffer.from('Règle: café, naïve, déjà vu, « tabs » toujours.\n', 'latin1'));
    const problems: string[] = [];
    const [a, w] = await loadRules({ roots: roots(), userDir: home.path, problems });
    assert.equal(a.text, 'Règle UTF-16: ça marche');
    assert.equal(w.text, 'Règle: café, naïve, déjà vu, « tabs » toujours.\n');
    assert.deepEqual(problems, []);

    // Random high bytes no decoder is confident about: kept (with U+FFFD), and the user is told.
    put(web, 'AGENTS.md', Buffer.from([0x52, 0x55, 0x4c, 0x45, 0x20, 0x81, 0x8d, 0x8f, 0x90, 0x9d, 0xfe, 0xff, 0xc0, 0x20, 0x6f, 0x6b]));
    const lossy: string[] = [];
    const [, w2] = await loadRules({ roots: roots(), userDir: home.path, problems: lossy });
    assert.match(w2.text, /^RULE .*ok$/);
    assert.equal(lossy.length, 1);
    assert.match(lossy[0], /^web\/AGENTS\.md is not UTF-8 and its encoding could not be determined/);

    // A UTF-8 file cut at the cap in the middle of a character: no replacement character at the cut, no misdetection.
    put(api, 'AGENTS.md', `${'x'.repeat(MAX_RULES_BYTES - 1)}é and more`);
    const [cut] = await loadRules({ roots: roots(), userDir: home.path });
    assert.equal(cut.text, 'x'.repeat(MAX_RULES_BYTES - 1));
  });

  it('nested rules in a second root are found and labelled with its folder', async () => {
    put(web, 'AGENTS.md', 'root of web');
    put(web, 'ui/AGENTS.md', 'UI RULE');
    mkdirSync(join(web, 'ui', 'deep'), { recursive: true });
    const f = new NestedRulesFinder(base.path);
    assert.equal(await f.nearest(web, web, 'web'), undefined, 'the root\'s own rules are in the prompt');
    const got = await f.nearest(join(web, 'ui', 'deep'), web, 'web');
    assert.deepEqual([got?.path, got?.folder, got?.text], ['web/ui/AGENTS.md', 'web/ui', 'UI RULE']);
  });

  it('skills of every root; the first folder wins a name, and the hidden one is warned about', async () => {
    const skill = (root: string, dir: string, name: string, d: string) => put(root, `.swarmcode/skills/${dir}/SKILL.md`, `---\nname: ${name}\ndescription: ${d}\n---\nbody`);
    skill(api, 'deploy', 'deploy', 'API deploy');
    skill(web, 'deploy', 'deploy', 'WEB deploy');
    skill(web, 'lint', 'lint', 'WEB lint');
    const warnings: string[] = [];
    const set = await SkillSet.discover({ roots: roots(), userDir: home.path, warn: (m) => warnings.push(m) });
    assert.deepEqual(set.skills.map((s) => [s.name, s.description, s.label]), [['deploy', 'API deploy', 'api/.swarmcode/skills/deploy'], ['lint', 'WEB lint', 'web/.swarmcode/skills/lint']]);
    assert.deepEqual(warnings, ['skill web/.swarmcode/skills/deploy is hidden by api/.swarmcode/skills/deploy of the same name (the first workspace folder wins)']);
  });

  it('commands of every root: the first folder owns /name, a later one\'s same name is /folder:name', async () => {
    put(api, '.swarmcode/commands/ship.md', 'API SHIP $ARGUMENTS');
    put(web, '.swarmcode/commands/ship.md', 'WEB SHIP $ARGUMENTS');
    put(web, '.swarmcode/commands/lint.md', 'WEB LINT');
    put(home.path, 'commands/ship.md', 'USER SHIP');
    const sources = commandSources(roots(), home.path);
    const list = await listCommands(sources);
    const mine = list.filter((c) => c.source !== 'builtin').map((c) => [c.name, c.source, c.folder]);
    assert.deepEqual(new Set(mine.map((m) => m.join(' '))), new Set(['ship project api', 'web:ship project web', 'lint project web']), 'the user\'s ship is hidden by the project\'s');
    assert.equal((await expandTask('/ship now', sources)).task, 'API SHIP now');
    assert.equal((await expandTask('/web:ship now', sources)).task, 'WEB SHIP now');
    assert.equal((await expandTask('/lint', sources)).task, 'WEB LINT');
  });
});
