// grep through the warm native index gives the same output as grep through ripgrep, on a real
// corpus (Unicode, CRLF, long lines, binary and ignored files), before and after edits.
import { strict as assert } from 'node:assert';
import { mkdirSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../../server/log';
import { createCodeIndex, type CodeIndex } from '../../../server/index/index';
import { builtinTools } from '../../../server/tools';
import { grepNative } from '../../../server/tools/grep_native';
import { runTool } from '../../../server/tools/runner';
import type { ToolContext } from '../../../server/tools/types';
import { createWorkspace, EditorDocuments } from '../../../server/workspace';
import { makeCorpus } from '../index/corpus';

const never = new AbortController().signal;

// On both builds of the index: the addon (skipped where it was not compiled) and its WebAssembly build.
for (const engine of ['native', 'wasm'] as const)
describe(`grep tool on the ${engine} index`, function () {
  this.timeout(120_000);
  let root: string;
  let index: CodeIndex;
  let plain: ToolContext;
  let indexed: ToolContext;

  before(async function () {
    root = realpathSync(makeCorpus());
    writeFileSync(join(root, 'src/ctx.ts'), ['a', 'needle one', 'b', 'c', 'needle two', 'needle three', 'd', 'e', 'f', 'g', 'needle four', 'h'].join('\n') + '\n');
    const log = createLogger(() => 'error', () => undefined);
    index = createCodeIndex({ root }, log, { search: { engine } });
    const ok = await index.search.ready();
    if (!ok && engine === 'native') this.skip();
    assert.ok(ok, `the ${engine} index builds`);
    assert.equal(index.search.engine().engine, engine);
    const ws = await createWorkspace(root, new EditorDocuments());
    plain = { workspace: ws, runId: 'r', agentId: 'a', log, approveCommand: async () => ({ approved: true }) };
    indexed = { ...plain, services: { index } };
  });
  after(() => {
    index?.dispose();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const grep = async (ctx: ToolContext, args: Record<string, unknown>) => {
    const r = await runTool(builtinTools, { name: 'grep', arguments: JSON.stringify(args) }, ctx, never);
    return `${r.ok}|${r.output}`;
  };

  async function same(args: Record<string, unknown>, native = true) {
    const want = await grep(plain, args);
    const got = await grep(indexed, args);
    assert.equal(got, want, JSON.stringify(args));
    const mode = (args.output as 'files' | 'lines' | undefined) ?? (args.context !== undefined ? 'lines' : 'files');
    const answer = await grepNative(
      index,
      { pattern: String(args.pattern), regex: args.regex as boolean, glob: args.glob as string, scope: (args.path as string) ?? '.', mode, max: (args.max_results as number) ?? 100, context: (args.context as number) ?? 0, countCap: 20_000 },
      never,
    );
    assert.equal(answer !== undefined, native, `native path ${native ? 'not ' : ''}taken for ${JSON.stringify(args)}`);
    return got;
  }

  const LITERALS = ['needle', 'héllo', '日本語', '😀', 'Error', 'x', 'ab', 'needle here', 'end', 'zzz_none', '--x'];
  const REGEXES = ['ne+dle', '^needle', 'needle$', '\\bneedle\\b', '[A-Z][a-z]+Error', '\\d{3}', 'Stra(ß|ss)e', '(?i)needle', '\\p{Han}+', '[A-Z_]{5,}', '\\d+\\.\\d+', 'needle|alpha'];

  it('files mode: same counts and pagination as ripgrep', async () => {
    for (const pattern of LITERALS) await same({ pattern });
    for (const pattern of REGEXES) await same({ pattern, regex: true });
    await same({ pattern: 'alpha', max_results: 3 });
    await same({ pattern: 'needle', regex: true, max_results: 2 });
  });

  it('lines mode: same lines, context, cuts and notes as ripgrep', async () => {
    for (const pattern of ['needle', 'Straße', 'end', 'zzz_none']) await same({ pattern, output: 'lines' });
    for (const pattern of ['needle$', '\\bneedle\\b', 'h.llo', '\\p{Han}+']) await same({ pattern, regex: true, output: 'lines' });
    for (const context of [0, 1, 2, 5]) {
      await same({ pattern: 'needle', path: 'src/ctx.ts', context });
      await same({ pattern: 'needle', path: 'src', context, max_results: 2 });
      await same({ pattern: 'ne+dle', regex: true, context, max_results: 3 });
    }
    await same({ pattern: 'needle', output: 'lines', max_results: 1 }); // long.txt: a 100k-char line is cut
    await same({ pattern: 'alpha', output: 'lines', max_results: 7 });
    for (const regex of [false, true]) {
      await same({ pattern: 'needle', regex, path: 'src/ctx.ts', context: 2, max_results: 2 }); // a match in the trailing context
      await same({ pattern: regex ? 'TODO|FIXME' : 'TODO', regex, path: 'dist', context: 1, max_results: 1 }); // long line cut around the match
      await same({ pattern: regex ? 'fetch\\(u\\d+' : 'fetch(', regex, output: 'lines', max_results: 3 });
    }
    await same({ pattern: 'order_token' });
    await same({ pattern: 'order_token', output: 'lines', max_results: 5, context: 1 });
  });

  it('path and glob scoping match ripgrep; paths the index does not hold go to ripgrep', async () => {
    for (const glob of ['*.ts', '!*.md', '*.{py,txt}']) await same({ pattern: 'needle', glob });
    await same({ pattern: 'alpha', path: 'gen/d1' });
    await same({ pattern: 'alpha', path: 'gen/d1', glob: '*.py', output: 'lines' });
    await same({ pattern: 'needle', path: 'unicode.txt', output: 'lines' });
    await same({ pattern: 'needle', path: 'ignored' }, false);
    await same({ pattern: 'needle', path: 'ignored/skip.ts' }, false);
    await same({ pattern: 'needle', glob: 'src/*.ts' });
    await same({ pattern: 'needle', path: 'src', glob: 'src/*.ts' }, false);
    await same({ pattern: 'needle', regex: true, path: 'bin' }, false);
  });

  it('leaves unsupported and invalid regexes to ripgrep', async () => {
    await same({ pattern: '(?m)^needle', regex: true }, false);
    assert.match(await same({ pattern: 'foo(', regex: true }, false), /^false\|Invalid regex/);
  });

  it('stays equal after files are added, changed and deleted', async () => {
    writeFileSync(join(root, 'src/lib.ts'), 'const fresh_token = 1;\nfresh_token + needle\n');
    mkdirSync(join(root, 'added'), { recursive: true });
    writeFileSync(join(root, 'added/new.py'), 'fresh_token = "needle"\r\n');
    unlinkSync(join(root, 'noeol.txt'));
    index.update(['src/lib.ts', 'added/new.py', 'noeol.txt'].map((p) => join(root, p)));
    for (const pattern of ['fresh_token', 'needle']) {
      await same({ pattern });
      await same({ pattern, output: 'lines', context: 1 });
    }
    await same({ pattern: 'fresh_\\w+', regex: true });
  });

  it('picks up changes on disk by itself (folder watcher), as a CLI run without client file events needs', async () => {
    writeFileSync(join(root, 'src/app.ts'), 'watched_token in app\n');
    writeFileSync(join(root, 'gen/d2/watched.md'), 'watched_token twice watched_token\n');
    mkdirSync(join(root, 'made/deeper'), { recursive: true });
    writeFileSync(join(root, 'made/deeper/x.ts'), 'watched_token deep\n');
    writeFileSync(join(root, 'ignored/w.ts'), 'watched_token ignored\n');
    unlinkSync(join(root, 'crlf.txt'));
    // inotify events are asynchronous: the first query after the writes may race them. Waits
    // until the index has them (50 tries 20 ms apart, about 1 s, was short for a loaded machine).
    for (const end = Date.now() + 20_000; Date.now() < end; ) {
      if ((await grep(indexed, { pattern: 'watched_token' })) === (await grep(plain, { pattern: 'watched_token' }))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await same({ pattern: 'watched_token' });
    await same({ pattern: 'needle' });
    await same({ pattern: 'watched_\\w+', regex: true, output: 'lines', context: 1 });
  });
});
