// Tool-call ids made unique and the bounded tool_called preview (server/agent/tool-calls.ts).
// References: OpenAI Chat Completions — a tool message's `tool_call_id` answers exactly one
// `tool_calls[].id`; ECMA-262 JSON.stringify is recursive (deep input overflows the stack).
import assert from 'node:assert/strict';
import { argsPreview, PREVIEW_LIMITS, uniqueCallIds } from '../../../server/agent/tool-calls';

describe('agent/tool-calls', () => {
  it('keeps unique ids, suffixes repeats and fills empty ones, across turns', () => {
    const seen = new Set<string>();
    const a = uniqueCallIds([
      { id: 'x', name: 'read_file', arguments: '{}' },
      { id: 'x', name: 'read_file', arguments: '{}' },
      { id: '', name: 'grep', arguments: '{}' },
      { id: 'x~2', name: 'grep', arguments: '{}' },
    ], seen);
    const b = uniqueCallIds([{ id: 'x', name: 'read_file', arguments: '{}' }], seen);
    const ids = [...a, ...b].map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, ids.join(','));
    assert.equal(ids[0], 'x');
    assert.equal(ids[1], 'x~2');
    assert.ok(ids[2].length > 0);
  });

  it('previews arguments of any depth without overflowing, keeping the shallow part', () => {
    const n = 200_000;
    const preview = argsPreview(`{"path":"a.txt","deep":${'['.repeat(n)}${']'.repeat(n)}}`) as { path: string; deep: unknown };
    assert.equal(preview.path, 'a.txt');
    const text = JSON.stringify(preview);
    assert.ok(text.length < 2000, text.slice(0, 200));
    assert.match(text, /nested deeper/);
  });

  it('cuts long strings, wide containers and the total', () => {
    const long = argsPreview(JSON.stringify({ content: 'y'.repeat(50_000) })) as { content: string };
    assert.ok(long.content.length < PREVIEW_LIMITS.stringChars + 100);
    assert.match(long.content, /46000 more characters/);
    const wide = argsPreview(JSON.stringify(Array.from({ length: 5000 }, (_, i) => i))) as unknown[];
    assert.equal(wide.length, PREVIEW_LIMITS.entries + 1);
    const big = argsPreview(JSON.stringify(Array.from({ length: 100 }, () => 'z'.repeat(4000))));
    assert.ok(JSON.stringify(big).length < PREVIEW_LIMITS.totalChars + 5000);
    assert.equal(argsPreview('{"unterminated": '), '{"unterminated": ');
  });
});
