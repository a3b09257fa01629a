import { strict as assert } from 'node:assert';
import { z } from 'zod';
import { builtinTools } from '../../../server/tools';
import { runTool, toolSpecs } from '../../../server/tools/runner';
import { defineTool, ToolError } from '../../../server/tools/types';
import { makeFixture, never, type Fixture } from './fixture';

const boom = defineTool({
  name: 'boom',
  description: 'fails in different ways',
  parameters: z.object({ how: z.enum(['tool', 'internal', 'abort', 'big']) }),
  mutating: false,
  async run(args) {
    if (args.how === 'tool') throw new ToolError('model-visible problem');
    if (args.how === 'internal') throw new TypeError('a bug');
    if (args.how === 'big') return 'h'.repeat(20_000) + 't'.repeat(20_000);
    throw Object.assign(new Error('aborted'), { name: 'AbortError' });
  },
});

describe('tool runner', () => {
  let f: Fixture;
  const tools = [...builtinTools, boom];
  beforeEach(async () => {
    f = await makeFixture({ 'a.txt': 'alpha\n' });
  });
  afterEach(() => f.cleanup());

  it('produces JSON Schema specs with the DESIGN names and arguments', () => {
    const specs = toolSpecs(builtinTools);
    // DESIGN.md §3's tools come first, in order; later issues append their own (find_symbol, repo_map, …).
    assert.deepEqual(specs.map((s) => s.name).slice(0, 6), ['read_file', 'list_files', 'grep', 'edit_file', 'write_file', 'run_command']);
    const byName = Object.fromEntries(specs.map((s) => [s.name, s.parameters as { properties: object; required?: string[]; $schema?: string }]));
    assert.deepEqual(Object.keys(byName.read_file.properties), ['path', 'offset', 'limit']);
    assert.deepEqual(byName.read_file.required, ['path']);
    assert.deepEqual(Object.keys(byName.grep.properties), ['pattern', 'path', 'glob', 'regex', 'context', 'max_results', 'output']);
    assert.deepEqual(byName.edit_file.required, ['path', 'old_string', 'new_string']);
    assert.deepEqual(Object.keys(byName.run_command.properties), ['command', 'timeout_ms', 'network', 'outside_sandbox', 'reason']);
    assert.equal(byName.list_files.required, undefined);
    assert.equal(byName.grep.$schema, undefined);
    for (const s of specs) assert.ok(s.description.length > 20);
  });

  it('runs a tool and returns parsed args', async () => {
    const r = await runTool(tools, { name: 'read_file', arguments: '{"path":"a.txt"}' }, f.ctx, never);
    assert.deepEqual(r, { ok: true, output: '     1\talpha', args: { path: 'a.txt' } });
  });

  it('treats empty arguments as {}', async () => {
    const r = await runTool(tools, { name: 'list_files', arguments: '' }, f.ctx, never);
    assert.equal(r.ok, true);
    assert.equal(r.output, 'a.txt');
  });

  it('returns malformed JSON to the model', async () => {
    const r = await runTool(tools, { name: 'read_file', arguments: '{"path": "a.txt"' }, f.ctx, never);
    assert.equal(r.ok, false);
    assert.match(r.output, /arguments for read_file are not valid JSON/);
    assert.equal(r.args, '{"path": "a.txt"');
  });

  it('returns schema violations with zod\'s message', async () => {
    const r = await runTool(tools, { name: 'read_file', arguments: '{"path": 3, "offset": 0}' }, f.ctx, never);
    assert.equal(r.ok, false);
    assert.match(r.output, /Invalid arguments for read_file:/);
    assert.match(r.output, /path/);
    assert.match(r.output, /offset/);
  });

  it('names the available tools for an unknown one', async () => {
    const r = await runTool(tools, { name: 'delete_everything', arguments: '{}' }, f.ctx, never);
    assert.equal(r.ok, false);
    assert.match(r.output, /Unknown tool "delete_everything". Available tools: read_file, list_files, grep, edit_file, write_file, run_command, .*boom\./);
  });

  it('returns ToolErrors, propagates aborts and internal faults', async () => {
    const t = await runTool(tools, { name: 'boom', arguments: '{"how":"tool"}' }, f.ctx, never);
    assert.deepEqual(t, { ok: false, output: 'model-visible problem', args: { how: 'tool' } });
    await assert.rejects(runTool(tools, { name: 'boom', arguments: '{"how":"internal"}' }, f.ctx, never), TypeError);
    await assert.rejects(runTool(tools, { name: 'boom', arguments: '{"how":"abort"}' }, f.ctx, never), { name: 'AbortError' });
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(runTool(tools, { name: 'read_file', arguments: '{"path":"a.txt"}' }, f.ctx, ac.signal), { name: 'AbortError' });
  });

  it('caps every output with a note', async () => {
    const r = await runTool(tools, { name: 'boom', arguments: '{"how":"big"}' }, f.ctx, never);
    assert.ok(r.output.length <= 30_000);
    assert.match(r.output, /^h+\n\[… [\d,]+ characters cut …\]\nt+$/);
  });
});
