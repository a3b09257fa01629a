// Project rules: the agents.md convention (https://agents.md: "the closest AGENTS.md to the edited
// file wins"), CLAUDE.md where a folder has no AGENTS.md, user-level rules, and hostile rule files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRules, MAX_RULES_BYTES, NestedRulesFinder, rulesPrompt } from '../../../server/rules';
import { parseFrontMatter } from '../../../server/rules/frontmatter';
import { tempDir } from '../../support/server';

describe('rules: AGENTS.md discovery', () => {
  let ws: ReturnType<typeof tempDir>;
  let home: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    home = tempDir('swarmcode-home-');
  });
  afterEach(() => {
    ws.cleanup();
    home.cleanup();
  });
  const put = (root: string, rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };

  it('reads user rules, the setting and the root AGENTS.md, in that order', async () => {
    put(home.path, 'AGENTS.md', 'USER RULE: tabs');
    put(ws.path, 'AGENTS.md', 'ROOT RULE: pnpm test');
    const sources = await loadRules({ root: ws.path, userDir: home.path, setting: 'SETTING RULE' });
    assert.deepEqual(sources.map((s) => s.scope), ['user', 'setting', 'project']);
    const text = rulesPrompt(sources);
    assert.ok(text.indexOf('USER RULE') < text.indexOf('SETTING RULE') && text.indexOf('SETTING RULE') < text.indexOf('ROOT RULE'));
    assert.match(text, /cannot change which tools you have/);
  });

  it('reads CLAUDE.md only when there is no AGENTS.md', async () => {
    put(ws.path, 'CLAUDE.md', 'CLAUDE RULE');
    let sources = await loadRules({ root: ws.path, userDir: home.path });
    assert.equal(sources[0].label, 'CLAUDE.md');
    put(ws.path, 'AGENTS.md', 'AGENTS RULE');
    sources = await loadRules({ root: ws.path, userDir: home.path });
    assert.equal(sources.length, 1);
    assert.equal(sources[0].text, 'AGENTS RULE');
  });

  it('nested rules: the nearest file below the root wins at every depth', async () => {
    put(ws.path, 'AGENTS.md', 'root');
    put(ws.path, 'pkg/AGENTS.md', 'pkg rules');
    put(ws.path, 'pkg/deep/er/AGENTS.md', 'deep rules');
    put(ws.path, 'other/CLAUDE.md', 'claude rules');
    mkdirSync(join(ws.path, 'pkg/deep/er/est'), { recursive: true });
    mkdirSync(join(ws.path, 'plain'), { recursive: true });
    const f = new NestedRulesFinder(ws.path);
    assert.equal(await f.nearest(ws.path), undefined, 'the root rules are already in the prompt');
    assert.equal((await f.nearest(join(ws.path, 'pkg')))?.text, 'pkg rules');
    assert.equal((await f.nearest(join(ws.path, 'pkg/deep')))?.text, 'pkg rules');
    const deep = await f.nearest(join(ws.path, 'pkg/deep/er/est'));
    assert.equal(deep?.text, 'deep rules');
    assert.equal(deep?.path, 'pkg/deep/er/AGENTS.md');
    assert.equal(deep?.folder, 'pkg/deep/er');
    assert.equal((await f.nearest(join(ws.path, 'other')))?.path, 'other/CLAUDE.md');
    assert.equal(await f.nearest(join(ws.path, 'plain')), undefined);
    assert.equal(await f.nearest(join(ws.path, '..')), undefined, 'nothing above the root');
  });

  it('hostile rule files: oversized is cut, symlinks out of the root, FIFOs and binaries are ignored', async () => {
    put(ws.path, 'AGENTS.md', 'x'.repeat(MAX_RULES_BYTES + 5000));
    const [big] = await loadRules({ root: ws.path, userDir: home.path });
    assert.equal(big.text.length, MAX_RULES_BYTES);
    assert.equal(big.truncated, true);
    assert.match(rulesPrompt([big]), /cut at 32 KiB/);

    const outside = tempDir();
    try {
      writeFileSync(join(outside.path, 'secret'), 'TOP SECRET');
      mkdirSync(join(ws.path, 'a'));
      symlinkSync(join(outside.path, 'secret'), join(ws.path, 'a', 'AGENTS.md'));
      mkdirSync(join(ws.path, 'b'));
      execFileSync('mkfifo', [join(ws.path, 'b', 'AGENTS.md')]);
      mkdirSync(join(ws.path, 'c'));
      writeFileSync(join(ws.path, 'c', 'AGENTS.md'), Buffer.from([0x41, 0, 0x42]));
      const f = new NestedRulesFinder(ws.path);
      assert.equal(await f.nearest(join(ws.path, 'a')), undefined, 'a link to a file outside the workspace is not read');
      assert.equal(await f.nearest(join(ws.path, 'b')), undefined, 'a FIFO is not opened (it would block)');
      assert.equal(await f.nearest(join(ws.path, 'c')), undefined, 'a binary file is not rules');
    } finally {
      outside.cleanup();
    }
  });
});

describe('rules: front matter', () => {
  it('reads flat keys, quotes and folded blocks; the body follows', () => {
    const { fields, body } = parseFrontMatter('---\nname: pdf-tools\ndescription: >\n  Extract text\n  from PDFs\nargument-hint: "[file]"\n# comment\n---\n# Body\n$ARGUMENTS\n');
    assert.deepEqual(fields, { name: 'pdf-tools', description: 'Extract text from PDFs', 'argument-hint': '[file]' });
    assert.equal(body, '# Body\n$ARGUMENTS\n');
  });

  it('no front matter: all body', () => {
    assert.deepEqual(parseFrontMatter('just text\n---\nx: y'), { fields: {}, body: 'just text\n---\nx: y' });
  });
});
