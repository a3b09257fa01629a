// Plan mode below the tool list: the read-only workspace refuses every write (even from a tool
// that would be given to the agent by mistake), and the plan tool set holds only looking tools.
// Nested rules: the folder's AGENTS.md goes with a tool result once per agent.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, EditorDocuments, readOnlyWorkspace } from '../../../server/workspace';
import { builtinTools, orchestrationTools } from '../../../server/tools';
import { writeFile } from '../../../server/tools/write_file';
import { editFile } from '../../../server/tools/edit_file';
import { readFile } from '../../../server/tools/read_file';
import { runTool } from '../../../server/tools/runner';
import { planTools, withFolderRules } from '../../../server/agent';
import { NestedRulesFinder } from '../../../server/rules';
import type { Tool, ToolContext } from '../../../server/tools/types';
import { tempDir } from '../../support/server';

const noLog = { error() {}, warn() {}, info() {}, debug() {} } as unknown as ToolContext['log'];

describe('agent: plan mode and folder rules', () => {
  let ws: ReturnType<typeof tempDir>;
  beforeEach(() => {
    ws = tempDir();
    writeFileSync(join(ws.path, 'a.txt'), 'alpha\n');
  });
  afterEach(() => ws.cleanup());

  const ctxFor = async (read: boolean): Promise<ToolContext> => {
    const base = (await createWorkspace(ws.path, new EditorDocuments())).forAgent!('main');
    return { workspace: read ? readOnlyWorkspace(base) : base, runId: 'r', agentId: 'main', log: noLog, approveCommand: async () => ({ approved: false }) };
  };

  it('the read-only workspace refuses writes and edits from the real tools; reads still work', async () => {
    const ctx = await ctxFor(true);
    const signal = new AbortController().signal;
    assert.equal((await runTool([readFile], { name: 'read_file', arguments: '{"path":"a.txt"}' }, ctx, signal)).ok, true);
    const w = await runTool([writeFile], { name: 'write_file', arguments: '{"path":"b.txt","content":"x"}' }, ctx, signal);
    const e = await runTool([editFile], { name: 'edit_file', arguments: '{"path":"a.txt","old_string":"alpha","new_string":"beta"}' }, ctx, signal);
    for (const r of [w, e]) {
      assert.equal(r.ok, false);
      assert.match(r.output, /plan mode: the workspace is read-only/);
    }
    await assert.rejects(ctx.workspace.deleteFile!('a.txt'), /read-only/);
    await assert.rejects(ctx.workspace.forAgent!('sub').writeText('c.txt', 'x'), /read-only/, 'sub-agent views are read-only too');
    assert.equal(readFileSync(join(ws.path, 'a.txt'), 'utf8'), 'alpha\n');
  });

  it('plan tools: only the looking tools; an MCP tool only when it does not mutate', () => {
    const mcp = (name: string, mutating: boolean): Tool => ({ ...readFile, name, mutating });
    const names = planTools([...builtinTools, ...orchestrationTools, mcp('mcp__fs__read', false), mcp('mcp__fs__write', true)]).map((t) => t.name).sort();
    assert.deepEqual(names, ['find_symbol', 'git', 'grep', 'list_files', 'mcp__fs__read', 'read_file', 'repo_map']);
  });

  it('folder rules: the nearest AGENTS.md goes in front of the first result under its folder, once per agent', async () => {
    mkdirSync(join(ws.path, 'pkg/sub'), { recursive: true });
    writeFileSync(join(ws.path, 'pkg/AGENTS.md'), 'PKG RULES');
    writeFileSync(join(ws.path, 'pkg/sub/x.txt'), 'x\n');
    writeFileSync(join(ws.path, 'pkg/sub/y.txt'), 'y\n');
    const finder = new NestedRulesFinder(ws.path);
    const ctx = await ctxFor(false);
    const signal = new AbortController().signal;
    const tools = withFolderRules([readFile], finder);
    const as = (agentId: string) => ({ tools, agentId });
    const call = (agent: { tools: Tool[]; agentId: string }, path: string) => runTool(agent.tools, { name: 'read_file', arguments: JSON.stringify({ path }) }, { ...ctx, agentId: agent.agentId }, signal);
    const agentA = as('main');
    const agentB = as('worker#1');
    assert.ok(!(await call(agentA, 'a.txt')).output.includes('PKG RULES'));
    const first = await call(agentA, 'pkg/sub/x.txt');
    assert.match(first.output, /^\[Rules from pkg\/AGENTS\.md[^\n]*\n<rules source="pkg\/AGENTS\.md">\nPKG RULES\n<\/rules>\n\n\s+1\tx$/);
    assert.ok(!(await call(agentA, 'pkg/sub/y.txt')).output.includes('PKG RULES'), 'once per agent');
    assert.match((await call(agentB, 'pkg/sub/y.txt')).output, /PKG RULES/, 'each agent sees it once');
    // A failed call adds nothing and does not use up the note.
    const agentC = as('worker#2');
    assert.equal((await call(agentC, 'pkg/missing.txt')).ok, false);
    assert.match((await call(agentC, 'pkg/sub/x.txt')).output, /PKG RULES/);
  });
});
