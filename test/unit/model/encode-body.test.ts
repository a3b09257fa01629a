// The request body is sent as pre-encoded UTF-8 JSON (messages encoded once, reused every step).
// It must stay exactly the JSON the OpenAI chat-completions API takes (RFC 8259 text; the SDK's
// own encoder is JSON.stringify), whatever the messages hold, and what the endpoint receives must
// follow the conversation as it grows and is compacted.
import assert from 'node:assert/strict';
import { buildBody, encodeBody } from '../../../server/model/openai-request';
import type { ChatMessage, ModelRequest } from '../../../server/model/types';
import { script, startSimulator } from '../../support/simulator';
import { collect, model, req } from './helpers';

const tricky = 'quote " backslash \\ newline \n tab \t CJK 你好 emoji 🐝 lone \ud800 surrogate \u2028 sep';

function request(messages: ChatMessage[]): ModelRequest {
  return { messages, tools: [], thinking: true };
}

describe('model: the pre-encoded request body', () => {
  it('parses to the same body JSON.stringify would send, for text no encoder may mangle', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: `sys ${tricky}` },
      { role: 'user', content: [{ type: 'text', text: tricky }, { type: 'image', mimeType: 'image/png', data: 'AAAA' }] },
      { role: 'assistant', content: tricky, reasoning: tricky, toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a\\u00e9"}' }] },
      { role: 'tool', toolCallId: 'c1', name: 'read_file', content: tricky },
    ];
    const body = buildBody('kimi-k2.5', request(messages), 'moonshot', 32_768);
    const sent = encodeBody(body);
    assert.deepEqual(JSON.parse(sent.toString('utf8')), JSON.parse(JSON.stringify(body)));
    assert.equal(sent.toString('utf8').includes('\\ud800'), true, 'a lone surrogate is escaped, not replaced');
  });

  it('follows the conversation: a message appended, and a compacted history, reach the endpoint as they are now', async () => {
    const sim = await startSimulator({ respond: script([{ text: 'a' }, { text: 'b' }, { text: 'c' }]) });
    try {
      const m = model(sim.url, { dialect: 'moonshot' });
      const signal = new AbortController().signal;
      const first = req('first question').messages;
      await collect(m.stream({ ...req('x'), messages: first }, signal));
      const grown: ChatMessage[] = [...first, { role: 'assistant', content: 'a' }, { role: 'user', content: 'second 你好' }];
      await collect(m.stream({ ...req('x'), messages: grown }, signal));
      const compacted: ChatMessage[] = [first[0], { role: 'user', content: '[summary] earlier work' }, grown.at(-1)!];
      await collect(m.stream({ ...req('x'), messages: compacted }, signal));
      for (const r of sim.requests) assert.match(String(r.headers['content-type']), /^application\/json/);
      const seen = sim.requests.map((r) => r.body.messages.map((x) => x.content));
      assert.deepEqual(seen[1].slice(-2), ['a', 'second 你好']);
      assert.equal(seen[1].length, first.length + 2);
      assert.deepEqual(seen[2].slice(1), ['[summary] earlier work', 'second 你好']);
    } finally {
      await sim.close();
    }
  });
});
