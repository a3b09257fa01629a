// MCP through the real server: a swarm/run whose model (the simulator) calls mcp__ tools of real
// servers spawned by the backend; the results reach the next request (images as image_url parts).
// Contract: MCP spec 2025-06-18 (server/tools Tool Result: text and image content; server/prompts
// prompts/list and prompts/get); OpenAI chat-completions tools (function names ^[a-zA-Z0-9_-]{1,64}$,
// image_url data-URL parts; Moonshot's vision input takes the same parts).
import assert from 'node:assert/strict';
import { ApprovalRequest, CommandsRequest, ExpandCommandRequest, McpConfirmRequest, type ApprovalParams, type SwarmEvent } from '../../server/protocol';
import { perConversation, script, type SimulatorOptions, type Turn } from '../support/simulator';
import { waitFor } from '../support/server';
import { crashyStdio, everythingStdio } from '../support/mcp';
import { useSimServer } from '../support/sim-server';

type Wire = { role: string; content?: unknown; name?: string };

describe('protocol: MCP tools in runs', function () {
  this.timeout(90_000);
  const ctx = useSimServer();
  let logs: string[];

  async function setup(respond: SimulatorOptions['respond'], settings = {}) {
    const started = await ctx.start({ respond }, { approval: 'always', swarm: false, repoMapTokens: 0, logLevel: 'info', ...settings });
    logs = [];
    started.server.connection.onNotification('window/logMessage', (p: { message: string }) => void logs.push(p.message));
    return started;
  }
  const events = (runId: string): SwarmEvent[] => ctx.server.events.get(runId) ?? [];

  it('the model calls an MCP tool; its text and image reach the next request', async () => {
    const { sim, server } = await setup(
      script([
        { toolCalls: [{ name: 'mcp__everything__get-tiny-image', arguments: {} }, { name: 'mcp__everything__echo', arguments: { message: 'over the wire' } }] },
        { text: 'seen it' },
      ]),
      { mcpServers: { everything: everythingStdio }, mcpApproval: { everything: 'always' } },
    );
    const result = await server.run({ task: 'show me the logo' });
    assert.equal(result.status, 'done', result.error);
    const first = sim.requests[0].body;
    const spec = (first.tools as { function: { name: string; parameters: { properties: object } } }[]).find((t) => t.function.name === 'mcp__everything__echo');
    assert.ok(spec, 'the MCP tool is declared with its own schema');
    assert.deepEqual(Object.keys(spec.function.parameters.properties), ['message']);
    const messages = sim.requests[1].body.messages as Wire[];
    const tools = messages.filter((m) => m.role === 'tool');
    assert.match(String(tools[0].content), /Here's the image you requested:\n\[image 1: image\/png\]\nThe image above is the MCP logo\./);
    assert.equal(tools[1].content, 'Echo: over the wire');
    // The picture follows the tool results as a user message with an image_url part.
    const after = messages[messages.indexOf(tools[1]) + 1];
    const parts = after.content as { type: string; image_url?: { url: string } }[];
    const image = parts.find((p) => p.type === 'image_url');
    assert.ok(image, JSON.stringify(after).slice(0, 300));
    assert.match(image.image_url!.url, /^data:image\/png;base64,iVBORw0KGgo/);
  });

  it('sub-agents share the one server process; approval asks the client per call (kind tool)', async () => {
    const sub = (task: string): Turn[] => [{ toolCalls: [{ name: 'mcp__everything__echo', arguments: { message: task } }] }, { text: `done ${task}` }];
    const { sim, server } = await setup(
      perConversation((conversation) => {
        const m = /Your task:\n([\s\S]*)$/.exec(conversation);
        if (m) return script(sub(m[1].trim()));
        return script([
          { toolCalls: [{ name: 'create_subagent', arguments: { name: 'w', system_prompt: 'You echo.' } }] },
          { toolCalls: [{ name: 'assign_task', arguments: { agent: 'w', task: 'alpha' } }, { name: 'assign_task', arguments: { agent: 'w', task: 'beta' } }] },
          { text: 'all done' },
        ]);
      }),
      { swarm: true, approval: 'ask', mcpServers: { everything: everythingStdio } },
    );
    const asked: ApprovalParams[] = [];
    server.connection.onRequest(ApprovalRequest, (p) => {
      asked.push(p);
      return { approved: p.kind === 'tool' && p.args.includes('alpha') };
    });
    const result = await server.run({ task: 'fan out' });
    assert.equal(result.status, 'done', result.error);
    assert.equal(asked.length, 2);
    for (const p of asked) {
      assert.equal(p.kind, 'tool');
      assert.equal(p.tool, 'mcp__everything__echo');
      assert.match(p.agentId, /^w#\d$/);
    }
    const subResults = sim.requests.filter((r) => r.conversation.includes('Your task:') && (r.body.messages as Wire[]).some((m) => m.role === 'tool'));
    const outputs = subResults.map((r) => String((r.body.messages as Wire[]).find((m) => m.role === 'tool')!.content)).sort();
    assert.deepEqual(outputs.map((o) => o.split('.')[0]), ['Echo: alpha', 'The user declined this mcp__everything__echo call']);
    // A second run reuses the running server: it was started once.
    const again = await server.run({ task: 'fan out' });
    assert.equal(again.status, 'done');
    assert.equal(logs.filter((l) => /MCP server "everything": starting/.test(l)).length, 1, logs.join('\n'));
  });

  it('a server crashing mid-call is an error for the model, not for the run; it restarts', async () => {
    const { server } = await setup(
      script([{ toolCalls: [{ name: 'mcp__crashy__crash', arguments: {} }] }, { toolCalls: [{ name: 'mcp__crashy__ping', arguments: {} }] }, { text: 'recovered' }]),
      { mcpServers: { crashy: crashyStdio }, mcpApproval: { crashy: 'always' } },
    );
    const result = await server.run({ task: 'crash it' });
    assert.equal(result.status, 'done', result.error);
    const outputs = events(result.runId).filter((e): e is Extract<SwarmEvent, { type: 'tool_output' }> => e.type === 'tool_output');
    assert.equal(outputs[0].ok, false);
    assert.match(outputs[0].output, /"crashy" stopped during the call/);
    assert.equal(outputs[1].ok, true);
    assert.match(outputs[1].output, /^pong \d+$/);
    assert.ok(logs.some((l) => l.includes('[mcp crashy] crashy: crashing now')), 'the server’s stderr is in the log');
  });

  it('MCP server processes stop when the backend shuts down', async () => {
    const { server } = await setup(script([{ toolCalls: [{ name: 'mcp__crashy__ping', arguments: {} }] }, { text: 'ok' }]), { mcpServers: { crashy: crashyStdio }, mcpApproval: { crashy: 'always' } });
    const result = await server.run({ task: 'ping' });
    const out = events(result.runId).find((e): e is Extract<SwarmEvent, { type: 'tool_output' }> => e.type === 'tool_output')!;
    const pid = Number(/^pong (\d+)$/.exec(out.output)![1]);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    assert.ok(alive());
    await server.shutdown();
    await waitFor(() => !alive(), 10_000, `MCP server ${pid} to exit`);
  });

  it('stdio servers start with the sandbox’s scrubbed environment: no provider key, no secret-looking names', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { MOONSHOT_API_KEY: 'sk-moonshot-secret-123', MY_SERVICE_TOKEN: 'tok-secret-456', SWARMCODE_TEST_PLAIN: 'visible' });
    try {
      await setup(script([{ toolCalls: [{ name: 'mcp__crashy__env', arguments: {} }] }, { text: 'ok' }]), { mcpServers: { crashy: crashyStdio }, mcpApproval: { crashy: 'always' } });
    } finally {
      for (const k of ['MOONSHOT_API_KEY', 'MY_SERVICE_TOKEN', 'SWARMCODE_TEST_PLAIN']) if (!(k in saved)) delete process.env[k];
    }
    const result = await ctx.server.run({ task: 'env' });
    const out = events(result.runId).find((e): e is Extract<SwarmEvent, { type: 'tool_output' }> => e.type === 'tool_output')!;
    const names = out.output.split('\n');
    assert.ok(names.includes('SWARMCODE_TEST_PLAIN'), out.output);
    assert.ok(!names.includes('MOONSHOT_API_KEY'));
    assert.ok(!names.includes('MY_SERVICE_TOKEN'));
  });

  it('plan mode: only readOnlyHint MCP tools are declared, and they run without asking', async () => {
    const { sim, server } = await setup(script([{ toolCalls: [{ name: 'mcp__everything__echo', arguments: { message: 'planning' } }] }, { text: 'the plan' }]), { approval: 'ask', mcpServers: { everything: everythingStdio } });
    const asked: ApprovalParams[] = [];
    server.connection.onRequest(ApprovalRequest, (p) => {
      asked.push(p);
      return { approved: false };
    });
    const result = await server.run({ task: 'plan it', plan: true });
    assert.equal(result.status, 'done', result.error);
    const declared = (sim.requests[0].body.tools as { function: { name: string } }[]).map((t) => t.function.name);
    assert.ok(declared.includes('mcp__everything__echo'));
    assert.ok(!declared.includes('mcp__everything__toggle-simulated-logging'), 'a tool without readOnlyHint is not offered in plan mode');
    assert.deepEqual(asked, []);
    const out = events(result.runId).find((e): e is Extract<SwarmEvent, { type: 'tool_output' }> => e.type === 'tool_output')!;
    assert.equal(out.output, 'Echo: planning');
  });

  it('a server that cannot start is reported to the user and the model; the run goes on', async () => {
    const { sim, server } = await setup(script([{ text: 'fine without it' }]), { mcpServers: { ghost: { type: 'stdio', command: '/nonexistent/ghost-mcp' }, everything: everythingStdio } });
    const result = await server.run({ task: 'anything' });
    assert.equal(result.status, 'done', result.error);
    const errors = events(result.runId).filter((e) => e.type === 'error');
    assert.equal(errors.length, 1);
    assert.match((errors[0] as { message: string }).message, /MCP server "ghost" failed to start/);
    const system = String((sim.requests[0].body.messages as Wire[])[0].content);
    assert.match(system, /Unavailable MCP servers[\s\S]*"ghost" failed to start/);
    assert.ok((sim.requests[0].body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'mcp__everything__echo'));
  });

  it('a .vscode/mcp.json server starts only after the client confirms it', async () => {
    const config = `// workspace servers\n{"servers": {"crashy": ${JSON.stringify(crashyStdio)},}}`;
    const { sim, server } = await setup(script([{ text: 'a' }, { text: 'b' }]), { mcpWorkspaceConfig: config });
    const confirms: string[] = [];
    let allow = false;
    server.connection.onRequest(McpConfirmRequest, (p) => {
      confirms.push(`${p.server}: ${p.target}`);
      return { approved: allow };
    });
    const refused = await server.run({ task: 'one' });
    assert.equal(refused.status, 'done');
    assert.match(JSON.stringify(events(refused.runId).filter((e) => e.type === 'error')), /not started: the user did not allow it/);
    assert.ok(!(sim.requests[0].body.tools as { function: { name: string } }[]).some((t) => t.function.name.startsWith('mcp__')));
    assert.equal(confirms.length, 1);
    assert.match(confirms[0], /^crashy: .*crashy-server\.mjs$/);
    // A changed configuration is a new server: asked again.
    allow = true;
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { mcpWorkspaceConfig: config.replace('workspace servers', 'edited') + ' ' } });
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { mcpWorkspaceConfig: config.replace('"crashy"', '"crashy2"') } });
    const allowed = await server.run({ task: 'two' });
    assert.equal(allowed.status, 'done');
    assert.ok((sim.requests[1].body.tools as { function: { name: string } }[]).some((t) => t.function.name === 'mcp__crashy2__ping'));
    assert.equal(confirms.length, 2);
  });

  it('MCP prompts are slash commands: swarm/commands lists them, a task may start with one, swarm/expandCommand fills one in', async () => {
    const { sim, server } = await setup(script([{ text: 'sunny' }]), { mcpServers: { everything: everythingStdio } });
    const commands = await server.connection.sendRequest(CommandsRequest, {});
    const args = commands.find((c) => c.name === 'mcp.everything.args-prompt');
    assert.ok(args, commands.map((c) => c.name).join(', '));
    assert.equal(args.source, 'mcp');
    assert.equal(args.argumentHint, '<city> [state]');
    assert.deepEqual(args.arguments?.map((a) => `${a.name}:${a.required}`), ['city:true', 'state:false']);
    const expanded = await server.connection.sendRequest(ExpandCommandRequest, { name: '/mcp.everything.args-prompt', args: { city: 'Paris' } });
    assert.equal(expanded.text, "What's weather in Paris?");
    await assert.rejects(server.connection.sendRequest(ExpandCommandRequest, { name: 'mcp.everything.args-prompt', args: {} }), /needs city/);
    await assert.rejects(server.connection.sendRequest(ExpandCommandRequest, { name: 'mcp.nope.x' }), /No MCP command named/);
    // Typed as a run's task: the rest of the line fills the arguments in declared order.
    const result = await server.run({ task: '/mcp.everything.args-prompt Lyon Rhone' });
    assert.equal(result.status, 'done', result.error);
    assert.match(JSON.stringify(sim.requests[0].body.messages), /What's weather in Lyon, Rhone\?/);
  });
});
