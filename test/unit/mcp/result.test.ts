// MCP tool results (spec 2025-06-18, server/tools "Tool Result": text, image, audio, resource_link,
// embedded resource content; structuredContent; isError for tool execution errors) as tool output.
import assert from 'node:assert/strict';
import { mapToolResult, MAX_IMAGE_BASE64 } from '../../../server/mcp/result';
import { ToolError } from '../../../server/tools/types';

const PNG = 'iVBORw0KGgo=';

describe('mcp: tool results', () => {
  it('text items in order, images as image parts, resources as text', () => {
    const out = mapToolResult(
      {
        content: [
          { type: 'text', text: 'before' },
          { type: 'image', data: PNG, mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'file:///a.txt', mimeType: 'text/plain', text: 'hello' } },
          { type: 'resource', resource: { uri: 'file:///b.bin', blob: 'AAAA' } },
          { type: 'resource_link', uri: 'file:///c', name: 'c', description: 'a file' },
          { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        ],
      },
      'mcp__s__t',
    );
    assert.deepEqual(out.images, [{ type: 'image', mimeType: 'image/png', data: PNG }]);
    assert.equal(
      out.text,
      ['before', '[image 1: image/png]', '[resource file:///a.txt (text/plain)]\nhello', '[resource file:///b.bin: binary, 3 bytes, not shown]', '[resource link file:///c "c": a file]', '[audio (audio/wav) not shown: the model does not take audio]'].join('\n'),
    );
  });

  it('isError becomes a ToolError with the text (the model sees it; the run goes on)', () => {
    assert.throws(() => mapToolResult({ isError: true, content: [{ type: 'text', text: 'no such city' }] }, 'mcp__w__t'), (e: unknown) => e instanceof ToolError && /mcp__w__t reported an error:\nno such city/.test(e.message));
  });

  it('structuredContent when there is no content; an empty result says so', () => {
    assert.equal(mapToolResult({ content: [], structuredContent: { a: 1 } }, 't').text, '{\n  "a": 1\n}');
    assert.equal(mapToolResult({ content: [] }, 't').text, '(the tool returned no content)');
    assert.equal(mapToolResult(null, 't').text, '(the tool returned no content)');
  });

  it('hostile images are described, not passed on: wrong type, not base64, too large', () => {
    const out = mapToolResult(
      {
        content: [
          { type: 'image', data: PNG, mimeType: 'image/svg+xml' },
          { type: 'image', data: 'not base64!', mimeType: 'image/png' },
          { type: 'image', data: 'A'.repeat(MAX_IMAGE_BASE64 + 4), mimeType: 'image/png' },
          { type: 'mystery' },
          'junk',
        ],
      },
      't',
    );
    assert.equal(out.images, undefined);
    assert.match(out.text, /svg\+xml not shown/);
    assert.match(out.text, /not base64/);
    assert.match(out.text, /not shown: over/);
    assert.match(out.text, /unknown type "mystery"/);
  });
});
