// `swarmcode run --budget-tokens / --budget-usd / --allow-wide-swarm` as a user runs them: the
// dist/cli.js process against the simulator (usage = characters / 4, see budget.test.ts).
import assert from 'node:assert/strict';
import { perConversation, script, type Turn } from '../support/simulator';
import { jsonLines, runCli } from '../support/cli';
import { ensureBuilt } from '../support/server';
import { useSimServer } from '../support/sim-server';

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { MOONSHOT_API_KEY: 'k', ...env });
const list: Turn = { toolCalls: [{ name: 'list_files', arguments: {} }] };

describe('cli: budgets and wide swarms', function () {
  this.timeout(60_000);
  const ctx = useSimServer();
  before(() => ensureBuilt());

  it('--budget-tokens stops the run with exit code 3 and the reason', async () => {
    const sim = await ctx.startSim({ respond: script([{ text: 'x'.repeat(40_000), toolCalls: list.toolCalls, chunkChars: 4000 }, list, { text: 'never' }]) });
    const res = await cli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, '--budget-tokens', '5000', 'think']);
    assert.equal(res.code, 3, res.stderr);
    assert.equal(sim.requests.length, 1);
    const evs = jsonLines(res.stdout);
    assert.ok(evs.some((e) => e.type === 'error' && /^Budget reached: [\d,]+ tokens used of a 5,000-token budget/.test(e.message)));
    const last = evs.at(-1);
    assert.ok(last?.type === 'run_finished' && last.status === 'cancelled');
  });

  it('bad budgets are usage errors (exit 2)', async () => {
    for (const bad of [['--budget-tokens', '-1'], ['--budget-tokens', '1.5'], ['--budget-usd', 'abc'], ['--budget-usd', '0'], ['--budget-usd', 'Infinity'], ['--budget-usd', '1e3']]) {
      const r = await cli(['run', '--workspace', ctx.ws.path, '--base-url', 'http://127.0.0.1:9', ...bad, 'x']);
      assert.equal(r.code, 2, bad.join(' '));
      assert.match(r.stderr, new RegExp(bad[0]));
    }
  });

  it('a swarm wider than the limit is declined without --allow-wide-swarm and runs with it', async () => {
    const items = Array.from({ length: 33 }, (_, i) => `item${i}`);
    const respond = () =>
      perConversation((conversation) => (/Your task:/.test(conversation) ? script([{ text: 'ok' }]) : script([{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'do {{item}}', items } }] }, { text: 'done' }])));
    const sim = await ctx.startSim({ respond: respond() });
    const declined = await cli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', sim.url, 'fan out']);
    assert.equal(declined.code, 0, declined.stderr);
    assert.match(declined.stderr, /declined \(main\): a swarm of 33 sub-agents \(more than 32\)\n {2}\(use --allow-wide-swarm to allow it\)/);
    assert.equal(jsonLines(declined.stdout).filter((e) => e.type === 'agent_spawned').length, 0);
    await sim.close();
    const again = await ctx.startSim({ respond: respond() });
    const allowed = await cli(['run', '--json', '--workspace', ctx.ws.path, '--base-url', again.url, '--allow-wide-swarm', 'fan out']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(jsonLines(allowed.stdout).filter((e) => e.type === 'agent_spawned').length, 33);
  });
});
