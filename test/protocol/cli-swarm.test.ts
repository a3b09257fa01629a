// `swarmcode run` without --json during a swarm (issue 14): sub-agents stream at the same time,
// and the human output must keep each one's text whole and the final answer on its own line.
// The real dist/cli.js against the OpenAI-wire simulator, three sub-agents streaming in small
// chunks at once (SSE `delta.content` pieces, as the OpenAI Chat Completions stream sends them).
import assert from 'node:assert/strict';
import { perConversation, script } from '../support/simulator';
import { runCli } from '../support/cli';
import { ensureBuilt } from '../support/server';
import { useSimServer } from '../support/sim-server';

const ITEMS = ['alpha.ts', 'beta.ts', 'gamma.ts'];
/** Two lines per sub-agent, long enough that the three streams overlap chunk by chunk. */
const said = (item: string) => [`Needs a review of ${item}: the parser drops trailing commas in every call site.`, `Easy fix for ${item}, but the tests must change too.`];
const FINAL = 'All three files checked: e2e-final-answer-7781.';

describe('cli: human output during a swarm', function () {
  this.timeout(60_000);
  const ctx = useSimServer();
  before(() => ensureBuilt());

  it('keeps each sub-agent\'s text intact, on lines named by its lane, and the final answer on its own line', async () => {
    const sim = await ctx.startSim({
      respond: perConversation((conversation) => {
        const item = ITEMS.find((i) => conversation.includes(`Your task:\nReview ${i}`));
        if (item) return script([{ text: said(item).join('\n'), chunkChars: 3, latency: { ttftMs: 50, tokensPerSec: 150 } }]);
        return script([
          // Main says something before its tool call, with no trailing newline: the lanes must not glue onto it.
          { text: 'Splitting the review', toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Review {{item}}', items: ITEMS } }] },
          { text: FINAL },
        ]);
      }),
    });
    const res = await runCli(['run', '--workspace', ctx.ws.path, '--base-url', sim.url, '--thinking', 'off', 'review the three files'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 0, res.stderr);
    // The sub-agents really overlapped (else this test proves nothing about interleaving).
    const subs = sim.requests.filter((r) => r.conversation.includes('Your task:'));
    assert.equal(subs.length, 3);
    // stdout is the top-level agent's text alone, the final answer on a line of its own.
    assert.deepEqual(res.stdout.split('\n').filter(Boolean), ['Splitting the review', FINAL], `stdout: ${JSON.stringify(res.stdout)}`);
    // stderr: every sub-agent line whole, prefixed by its lane (agent id and item).
    const lines = res.stderr.split('\n');
    ITEMS.forEach((item, i) => {
      for (const text of said(item)) {
        const want = `[worker#${i + 1} ${item}] ${text}`;
        assert.ok(lines.includes(want), `stderr has the line ${JSON.stringify(want)}:\n${res.stderr}`);
      }
    });
    assert.match(res.stderr, /^\+ \[worker#2 beta\.ts\] \(worker\): Review beta\.ts$/m);
    assert.match(res.stderr, /^- \[worker#3 gamma\.ts\] done after 1 step$/m);
  });

  it('escapes control characters a hostile sub-agent or item streams (no ANSI reaches the terminal)', async () => {
    const hostile = 'x\u001b[2J\u001b]0;pwned\u0007y';
    const sim = await ctx.startSim({
      respond: perConversation((conversation) =>
        conversation.includes('Your task:')
          ? script([{ text: `clear ${hostile}\rover\nsecond`, chunkChars: 2 }])
          : script([{ toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Do {{item}}', items: [`it\u001b[31mem\nwith newline`] } }] }, { text: 'ok' }]),
      ),
    });
    const res = await runCli(['run', '--workspace', ctx.ws.path, '--base-url', sim.url, '--thinking', 'off', 'x'], { MOONSHOT_API_KEY: 'k' });
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!res.stderr.includes('\u001b'), `no raw ESC on stderr: ${JSON.stringify(res.stderr)}`);
    assert.ok(res.stderr.includes('[worker#1 it\\x1b[31mem with newline] clear x\\x1b[2J\\x1b]0;pwned\\x07y\\rover'), res.stderr);
    assert.ok(res.stderr.includes('[worker#1 it\\x1b[31mem with newline] second'), res.stderr);
  });
});
