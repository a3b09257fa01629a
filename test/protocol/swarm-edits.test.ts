// Issue 12's experiment as a test, end to end: the spawned server, the HTTP model simulator and 8
// scripted sub-agents (spawn_swarm), each reading one shared file and then editing its own line.
// All from the same read, so 7 of the 8 edits are stale: with region-aware rebase every line lands
// in the first round (read, edit, answer = 3 requests each), and the tool results say "Rebased".
// Reference: OpenAI Chat Completions tool calling — each tool result goes back as a `tool` message
// the next request carries (https://platform.openai.com/docs/guides/function-calling).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentText, type ChatRequestBody, type Turn } from '../support/simulator';
import { usePrivateJournalDir } from '../support/server';
import { useSimServer } from '../support/sim-server';

const N = 8;

function lastToolText(body: ChatRequestBody): string | undefined {
  const last = [...body.messages].reverse().find((m) => m.role === 'tool');
  return last ? contentText(last.content) : undefined;
}

/** Resolves once all N sub-agents have their read result: every edit but the first is then stale. */
let arrived = 0;
let release: () => void = () => undefined;
let allRead = new Promise<void>((r) => (release = r));

async function respond(body: ChatRequestBody): Promise<Turn> {
  const user = body.messages.filter((m) => m.role === 'user').map((m) => contentText(m.content)).join('\n');
  const turns = body.messages.filter((m) => m.role === 'assistant').length;
  const slot = /Fill slot (\d+) of shared.txt/.exec(user)?.[1];
  if (slot === undefined) {
    if (turns === 0) return { toolCalls: [{ name: 'create_subagent', arguments: { name: 'filler', system_prompt: 'Fill one slot.', tools: ['read_file', 'edit_file'] } }] };
    if (turns === 1) return { toolCalls: [{ name: 'spawn_swarm', arguments: { prompt_template: 'Fill slot {{item}} of shared.txt', items: Array.from({ length: N }, (_, i) => String(i)), agent: 'filler' } }] };
    return { text: 'all slots filled' };
  }
  const last = lastToolText(body);
  if (last === undefined) return { toolCalls: [{ name: 'read_file', arguments: { path: 'shared.txt' } }] };
  if (/^Edited /.test(last) || turns >= 6) return { text: `slot ${slot}: ${last.slice(0, 200)}` };
  // Wait until every sub-agent has read the file, so all edits but one are made on a stale read.
  if (++arrived === N) release();
  await allRead;
  return { toolCalls: [{ name: 'edit_file', arguments: { path: 'shared.txt', old_string: `slot ${slot}: TODO`, new_string: `slot ${slot}: done` } }] };
}

describe('protocol: 8 sub-agents on 8 lines of one file', function () {
  this.timeout(60_000);
  const ctx = useSimServer();
  usePrivateJournalDir();

  it('all 8 edits land in one round, 7 of them rebased onto the others', async () => {
    arrived = 0;
    allRead = new Promise<void>((r) => (release = r));
    writeFileSync(join(ctx.ws.path, 'shared.txt'), Array.from({ length: N }, (_, i) => `slot ${i}: TODO\n`).join(''));
    const { sim, server } = await ctx.start({ respond }, { model: 'kimi-k2.5', approval: 'always', concurrency: N });
    const r = await server.run({ runId: 'slots-1', task: 'Fill every slot.' });
    assert.equal(r.status, 'done', r.error);
    assert.equal(readFileSync(join(ctx.ws.path, 'shared.txt'), 'utf8'), Array.from({ length: N }, (_, i) => `slot ${i}: done\n`).join(''));
    const sub = sim.requests.filter((q) => /Fill slot \d+ of shared.txt/.test(q.conversation));
    assert.equal(sub.length, 3 * N, 'read, edit, answer per sub-agent: nobody had to re-read');
    const editResults = sub.map((q) => lastToolText(q.body) ?? '').filter((t) => /^Edited /.test(t));
    assert.equal(editResults.length, N);
    assert.equal(editResults.filter((t) => /Rebased: the file had changed since you read it/.test(t)).length, N - 1);
  });
});
