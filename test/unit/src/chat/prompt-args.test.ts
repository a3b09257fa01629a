// An MCP prompt typed as a slash command: its declared arguments (MCP prompts/list `arguments`,
// modelcontextprotocol.io/specification/2025-06-18/server/prompts) filled from what follows the name.
import assert from 'node:assert/strict';
import { promptArgs } from '../../../../src/chat/prompt-args';
import type { CommandInfo } from '../../../../server/protocol';

const prompt: CommandInfo = {
  name: 'mcp.github.review',
  description: 'Review a PR',
  source: 'mcp',
  server: 'github',
  arguments: [{ name: 'pr', required: true }, { name: 'style', required: false }],
};

describe('src/chat: MCP prompt arguments', () => {
  it('key=value fills that argument; the rest of the text fills the first empty one', () => {
    assert.deepEqual(promptArgs(prompt, '123'), { pr: '123' });
    assert.deepEqual(promptArgs(prompt, 'style=terse 456 please'), { style: 'terse', pr: '456 please' });
    assert.deepEqual(promptArgs(prompt, 'pr=7 style=long'), { pr: '7', style: 'long' });
    assert.deepEqual(promptArgs(prompt, ''), {});
  });

  it('unknown keys stay text; a prompt without arguments gets none', () => {
    assert.deepEqual(promptArgs(prompt, 'x=1'), { pr: 'x=1' });
    assert.deepEqual(promptArgs({ ...prompt, arguments: [] }, 'anything'), {});
  });
});
