// Issue 14: a multi-root workspace (LSP `workspaceFolders`, every folder a root). With several
// roots, tool paths start with the folder's name (`api/…`, `web/…`; the LSP spec gives each
// WorkspaceFolder a `name`, used here, made unique). A real spawned server over two temp folders:
// edits in each root, search and symbols across both, review and reject over both, paths that
// escape every root refused, and run_command in bubblewrap writing in both roots and nowhere else.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangesRequest, MentionsRequest, RejectRequest, type SwarmEvent } from '../../server/protocol';
import { SearchRequest } from '../../server/protocol/search';
import { detectSandbox } from '../../server/sandbox/detect';
import { script, type SimToolCall } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', env: ENV });

/** The tool outputs of a run, in call order (calls of one turn may end in any order). */
function outputs(events: SwarmEvent[] | undefined): { ok: boolean; output: string }[] {
  const calls = (events ?? []).flatMap((e) => (e.type === 'tool_called' ? [e.callId] : []));
  const byCall = new Map((events ?? []).flatMap((e) => (e.type === 'tool_output' ? [[e.callId, { ok: e.ok, output: e.output }] as const] : [])));
  return calls.map((id) => byCall.get(id) ?? { ok: false, output: '(no output)' });
}

describe('protocol: multi-root workspace', function () {
  this.timeout(60_000);
  usePrivateJournalDir();
  const ctx = useSimServer({ settings: { approval: 'always', swarm: false } });
  let api = '';
  let web = '';
  let outside = '';

  beforeEach(() => {
    api = join(ctx.ws.path, 'api');
    web = join(ctx.ws.path, 'web');
    outside = join(ctx.ws.path, 'outside');
    for (const d of [api, web, outside]) mkdirSync(d);
    mkdirSync(join(api, 'src'));
    writeFileSync(join(api, 'src', 'alpha.ts'), 'export function alphaHandler() { return 1; } // needle-7731\n');
    writeFileSync(join(web, 'beta.ts'), 'export function betaWidget() { return 2; } // needle-7731\n');
    writeFileSync(join(outside, 'secret.txt'), 'not yours\n');
  });

  /** One run whose model calls `calls` (then, with `more`, those in a second turn), then answers. */
  async function runCalls(calls: SimToolCall[], more?: SimToolCall[]): Promise<{ runId: string; outs: { ok: boolean; output: string }[] }> {
    const { server } = await ctx.start({ respond: script([{ toolCalls: calls }, ...(more ? [{ toolCalls: more }] : []), { text: 'done' }]) }, {}, { workspace: [api, web] });
    const result = await server.run({ task: 'multi-root work' });
    assert.equal(result.status, 'done', result.error);
    return { runId: result.runId, outs: outputs(server.events.get(result.runId)) };
  }

  it('edits in each root, searches and finds symbols across both, reviews both and reject restores both', async () => {
    const { runId, outs } = await runCalls([
      { name: 'edit_file', arguments: { path: 'api/src/alpha.ts', old_string: 'return 1;', new_string: 'return 10;' } },
      { name: 'write_file', arguments: { path: 'web/new.txt', content: 'made in web\n' } },
      { name: 'grep', arguments: { pattern: 'needle-7731' } },
      { name: 'list_files', arguments: {} },
      { name: 'find_symbol', arguments: { name: 'betaWidget' } },
      { name: 'read_file', arguments: { path: 'web/beta.ts' } },
    ]);
    assert.deepEqual(outs.map((o) => o.ok), [true, true, true, true, true, true], JSON.stringify(outs));
    assert.equal(readFileSync(join(api, 'src', 'alpha.ts'), 'utf8'), 'export function alphaHandler() { return 10; } // needle-7731\n');
    assert.equal(readFileSync(join(web, 'new.txt'), 'utf8'), 'made in web\n');
    assert.match(outs[2].output, /api\/src\/alpha\.ts: 1 match/);
    assert.match(outs[2].output, /web\/beta\.ts: 1 match/);
    assert.deepEqual(outs[3].output.split('\n').sort(), ['api/src/alpha.ts', 'web/beta.ts', 'web/new.txt']);
    assert.match(outs[4].output, /web\/beta\.ts/);
    assert.match(outs[5].output, /betaWidget/);

    // swarm/search (the index) answers over both roots with folder-prefixed paths.
    const found = await ctx.server.connection.sendRequest(SearchRequest, { query: 'needle-7731' });
    assert.deepEqual(found.matches.map((m) => m.path).sort(), ['api/src/alpha.ts', 'web/beta.ts']);

    // @-mentions (swarm/mentions) list files of both roots by their folder-prefixed paths.
    const mentioned = await ctx.server.connection.sendRequest(MentionsRequest, { query: 'beta' });
    assert.ok(mentioned.some((m) => m.kind === 'file' && m.path === 'web/beta.ts'), JSON.stringify(mentioned));
    const alpha = await ctx.server.connection.sendRequest(MentionsRequest, { query: 'alpha' });
    assert.ok(alpha.some((m) => m.kind === 'file' && m.path === 'api/src/alpha.ts'), JSON.stringify(alpha));

    const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
    assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['api/src/alpha.ts modified', 'web/new.txt added']);
    await ctx.server.connection.sendRequest(RejectRequest, { runId });
    assert.equal(readFileSync(join(api, 'src', 'alpha.ts'), 'utf8'), 'export function alphaHandler() { return 1; } // needle-7731\n');
    assert.ok(!existsSync(join(web, 'new.txt')), 'reject removed the file made in the second root');
  });

  it('refuses paths that escape every root or name no folder, and loses nothing', async () => {
    const { outs } = await runCalls([
      { name: 'read_file', arguments: { path: '../outside/secret.txt' } },
      { name: 'read_file', arguments: { path: 'api/../../outside/secret.txt' } },
      { name: 'read_file', arguments: { path: join(outside, 'secret.txt') } },
      { name: 'write_file', arguments: { path: 'nope/x.txt', content: 'x' } },
      { name: 'write_file', arguments: { path: 'src/alpha.ts', content: 'x' } },
      { name: 'write_file', arguments: { path: 'top.txt', content: 'x' } },
      { name: 'edit_file', arguments: { path: 'api/.git/config', old_string: 'a', new_string: 'b' } },
      { name: 'read_file', arguments: { path: join(web, 'beta.ts') } },
    ]);
    assert.deepEqual(outs.map((o) => o.ok), [false, false, false, false, false, false, false, true], JSON.stringify(outs));
    for (const o of outs.slice(0, 3)) assert.match(o.output, /outside/);
    assert.match(outs[3].output, /starts with one of their names: api\/…, web\/…/);
    assert.match(outs[4].output, /api\/…, web\/…/);
    assert.match(outs[7].output, /betaWidget/);
    assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'not yours\n');
    assert.equal(readFileSync(join(api, 'src', 'alpha.ts'), 'utf8'), 'export function alphaHandler() { return 1; } // needle-7731\n');
  });

  it('names two folders with the same name apart (app, app-2)', async () => {
    const one = join(ctx.ws.path, 'x', 'app');
    const two = join(ctx.ws.path, 'y', 'app');
    mkdirSync(one, { recursive: true });
    mkdirSync(two, { recursive: true });
    writeFileSync(join(one, 'f.txt'), 'first\n');
    writeFileSync(join(two, 'f.txt'), 'second\n');
    const { server } = await ctx.start({ respond: script([{ toolCalls: [
      { name: 'read_file', arguments: { path: 'app/f.txt' } },
      { name: 'read_file', arguments: { path: 'app-2/f.txt' } },
    ] }, { text: 'done' }]) }, {}, { workspace: [one, two] });
    const result = await server.run({ task: 'two apps' });
    const outs = outputs(server.events.get(result.runId));
    assert.match(outs[0].output, /first/);
    assert.match(outs[1].output, /second/);
  });

  it('run_command in the sandbox writes in both roots (journaled, rejectable) and nowhere else', function () {
    if (detectSandbox().kind !== 'bwrap') this.skip(); // Linux with bubblewrap (docs/security.md)
    return (async () => {
      for (const d of [api, web]) {
        git(d, 'init', '-q');
        git(d, 'add', '.');
        git(d, 'commit', '-qm', 'init');
      }
      const command = [
        'cd api && echo a > made-api.txt && cd ../web && echo w > made-web.txt',
        `(echo z > ${join(outside, 'escape.txt')}) 2>/dev/null; echo outside=$?`,
        `(echo z > ${join(api, '.git', 'hooks', 'evil')}) 2>/dev/null; echo git=$?`,
      ].join('; ');
      const { runId, outs } = await runCalls([{ name: 'run_command', arguments: { command } }], [
        { name: 'git', arguments: { action: 'status', path: 'web' } },
        { name: 'git', arguments: { action: 'status' } },
      ]);
      // git runs in the folder the path names; without a path it asks for one.
      assert.match(outs[1].output, /\?\? made-web\.txt/);
      assert.doesNotMatch(outs[1].output, /made-api/);
      assert.equal(outs[2].ok, false);
      assert.match(outs[2].output, /several folders \(api, web\)/);
      assert.equal(outs[0].ok, true, outs[0].output);
      assert.match(outs[0].output, /exit code 0/, outs[0].output);
      assert.match(outs[0].output, /outside=[1-9]/);
      assert.match(outs[0].output, /git=[1-9]/);
      assert.equal(readFileSync(join(api, 'made-api.txt'), 'utf8'), 'a\n');
      assert.equal(readFileSync(join(web, 'made-web.txt'), 'utf8'), 'w\n');
      assert.ok(!existsSync(join(outside, 'escape.txt')), 'nothing written outside the roots');
      assert.ok(!existsSync(join(api, '.git', 'hooks', 'evil')), 'the roots\' .git stays read-only');
      const changes = await ctx.server.connection.sendRequest(ChangesRequest, { runId, withContent: false });
      assert.deepEqual(changes.files.map((f) => `${f.path} ${f.change}`).sort(), ['api/made-api.txt added', 'web/made-web.txt added']);
      await ctx.server.connection.sendRequest(RejectRequest, { runId });
      assert.ok(!existsSync(join(api, 'made-api.txt')) && !existsSync(join(web, 'made-web.txt')), 'reject removed what the command made in both roots');
    })();
  });
});
