// Which calls of one turn wait for which (server/agent/call-order.ts). Reference: OpenAI Chat
// Completions parallel tool calls — one `tool` answer per call id; SwarmCode promises the answers
// are what running the calls in the given order would give (docs/protocol.md, "Tool calls").
import assert from 'node:assert/strict';
import { callDependencies, callFacts } from '../../../server/agent/call-order';
import { builtinTools } from '../../../server/tools';

const facts = (calls: [string, object][]) => calls.map(([name, args]) => callFacts(builtinTools.find((t) => t.name === name), JSON.stringify(args)));

describe('agent/call-order', () => {
  it('a read waits for an earlier write of the same path (also spelled ./x or via its folder), not for other reads', () => {
    const deps = callDependencies(
      facts([
        ['edit_file', { path: 'README.md', old_string: 'a', new_string: 'b' }],
        ['read_file', { path: './README.md' }],
        ['read_file', { path: 'src/a.ts' }],
        ['list_files', { path: '.' }],
        ['grep', { pattern: 'x', path: 'src' }],
      ]),
    );
    assert.deepEqual(deps, [[], [0], [], [0], []]);
  });

  it('a write waits for earlier reads of its path and for every earlier write; unknown paths touch everything', () => {
    const deps = callDependencies(
      facts([
        ['read_file', { path: 'page.html' }],
        ['read_file', { path: 'other.html' }],
        ['write_file', { path: 'page.html', content: '' }],
        ['move_file', { from: 'a/x.ts', to: 'b/x.ts' }],
        ['render_compare', { path: 'x.html', target_image: 't.png' }],
        ['run_command', { command: 'ls' }],
        ['read_file', { path: 'zzz' }],
        ['read_file', { path: '/abs/elsewhere' }],
      ]),
    );
    assert.deepEqual(deps, [[], [], [0], [2], [2, 3], [0, 1, 2, 3, 4], [5], [2, 3, 5]]);
  });

  it('malformed arguments and unknown tools do not block anything they cannot touch', () => {
    const f = [callFacts(builtinTools.find((t) => t.name === 'read_file'), '{not json'), callFacts(undefined, '{}'), ...facts([['write_file', { path: 'a', content: '' }]])];
    assert.deepEqual(callDependencies(f), [[], [], [0]]);
  });
});
