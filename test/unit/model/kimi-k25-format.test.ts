// The prompt the embedded engine renders, checked against Kimi K2.5's published format. The
// expected strings are written by hand from the reference, not produced by the code under test:
// - moonshotai/Kimi-K2.5 on Hugging Face: chat_template.jinja (tool_declare first, the default
//   system message, `<think></think>` on turns before the last plain answer, `<think>{reasoning}`
//   after it, `## Return of {id}` tool results, the `<think>` / `<think></think>` generation prompt,
//   an image as `<|media_begin|>image<|media_content|><|media_pad|><|media_end|>` + newline) and its
//   tokenizer (tokenization_kimi.py: deep_sort_dict on the tools, `tools_ts_str` from
//   tool_declaration_ts.py encode_tools_to_typescript_style, JSON when that raises);
// - thinking-machines-lab/tinker-cookbook renderers/kimi_k2_5 and its HF-parity tests, which
//   state the same image suffix `<|media_end|>\n` and the TypeScript tool declaration.
import assert from 'node:assert/strict';
import { renderKimiPrompt, renderToolDeclare } from '../../../server/model/kimi-template';
import { encodeToolsTypeScript } from '../../../server/model/kimi-tools-ts';
import type { ChatMessage, ToolSpec } from '../../../server/model/types';

const weather: ToolSpec = {
  name: 'get_weather',
  description: 'Get the current weather for a location',
  parameters: {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'The city and state, e.g. San Francisco, CA' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'], description: 'Temperature unit' },
    },
    required: ['location'],
  },
};

const WEATHER_TS =
  '# Tools\n\n## functions\nnamespace functions {\n' +
  '// Get the current weather for a location\n' +
  'type get_weather = (_: {\n' +
  '  // The city and state, e.g. San Francisco, CA\n' +
  '  location: string,\n' +
  '  // Temperature unit\n' +
  '  unit?: "celsius" | "fahrenheit"\n' +
  '}) => any;\n' +
  '}\n';

const SYS = '<|im_system|>system<|im_middle|>You are a helpful assistant.<|im_end|>';

describe('Kimi K2.5 prompt format (published template)', () => {
  it('declares tools TypeScript-style before the system message', () => {
    const s = renderKimiPrompt(
      [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: "What's the weather in NYC?" },
      ],
      [weather],
      { thinking: true },
    );
    assert.equal(
      s,
      `<|im_system|>tool_declare<|im_middle|>${WEATHER_TS}<|im_end|>` +
        SYS +
        "<|im_user|>user<|im_middle|>What's the weather in NYC?<|im_end|>" +
        '<|im_assistant|>assistant<|im_middle|><think>',
    );
  });

  it('renders a tool call, its result and the next generation prompt; reasoning of the current step is kept', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: "What's the weather in NYC?" },
      {
        role: 'assistant',
        content: '',
        reasoning: 'I need to check the weather in New York City.',
        toolCalls: [{ id: 'functions.get_weather:0', name: 'get_weather', arguments: '{"location": "New York, NY"}' }],
      },
      { role: 'tool', toolCallId: 'functions.get_weather:0', name: 'get_weather', content: '{"temperature": 72, "condition": "sunny"}' },
    ];
    assert.equal(
      renderKimiPrompt(messages, [], { thinking: true }),
      SYS +
        "<|im_user|>user<|im_middle|>What's the weather in NYC?<|im_end|>" +
        '<|im_assistant|>assistant<|im_middle|><think>I need to check the weather in New York City.</think>' +
        '<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{"location": "New York, NY"}<|tool_call_end|><|tool_calls_section_end|><|im_end|>' +
        '<|im_system|>get_weather<|im_middle|>## Return of functions.get_weather:0\n{"temperature": 72, "condition": "sunny"}<|im_end|>' +
        '<|im_assistant|>assistant<|im_middle|><think>',
    );
  });

  it('multi-turn: reasoning before the last plain answer is emptied; thinking off ends in <think></think>', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'What is 2+2?' },
      { role: 'assistant', content: 'The answer is 4.', reasoning: 'HISTORICAL' },
      { role: 'user', content: 'What is 3+3?' },
    ];
    const expectedHistory =
      SYS +
      '<|im_user|>user<|im_middle|>What is 2+2?<|im_end|>' +
      '<|im_assistant|>assistant<|im_middle|><think></think>The answer is 4.<|im_end|>' +
      '<|im_user|>user<|im_middle|>What is 3+3?<|im_end|>';
    assert.equal(renderKimiPrompt(messages, [], { thinking: true }), `${expectedHistory}<|im_assistant|>assistant<|im_middle|><think>`);
    assert.equal(renderKimiPrompt(messages, [], { thinking: false }), `${expectedHistory}<|im_assistant|>assistant<|im_middle|><think></think>`);
  });

  it('without a system message inserts the default one', () => {
    assert.equal(
      renderKimiPrompt([{ role: 'user', content: 'Hi' }], [], { thinking: false }),
      '<|im_system|>system<|im_middle|>You are Kimi, an AI assistant created by Moonshot AI.<|im_end|><|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|><think></think>',
    );
  });

  it('renders an image as the media placeholder followed by a newline', () => {
    const s = renderKimiPrompt(
      [
        { role: 'system', content: 'You are a helpful assistant.' },
        {
          role: 'user',
          content: [
            { type: 'image', mimeType: 'image/png', data: 'AAAA' },
            { type: 'text', text: 'Can you describe this image?' },
          ],
        },
      ],
      [],
      { thinking: true, generationPrompt: false },
    );
    assert.equal(
      s,
      `${SYS}<|im_user|>user<|im_middle|><|media_begin|>image<|media_content|><|media_pad|><|media_end|>\nCan you describe this image?<|im_end|>`,
    );
  });

  it('a tool result without a name is a "tool" message', () => {
    const s = renderKimiPrompt(
      [
        { role: 'system', content: 'S' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'functions.x:0', name: 'x', arguments: '{}' }] },
        { role: 'tool', toolCallId: 'functions.x:0', name: '', content: 'r' },
      ],
      [],
      { thinking: false, generationPrompt: false },
    );
    assert.ok(s.endsWith('<|im_system|>tool<|im_middle|>## Return of functions.x:0\nr<|im_end|>'), s);
  });
});

describe('Kimi K2.5 TypeScript tool declarations (tool_declaration_ts.py contract)', () => {
  it('renders the reference example', () => {
    assert.equal(encodeToolsTypeScript([weather]), WEATHER_TS);
  });

  it('required fields first, then optional, each by name; constraints, defaults, arrays, unions, nested objects', () => {
    const tool: ToolSpec = {
      name: 'edit',
      description: 'Edit files.\n\nOne edit per call.',
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 1, description: 'File path' },
          count: { type: 'integer', minimum: 0, default: 1 },
          tags: { type: 'array', items: { type: 'string', description: 'a tag' }, maxItems: 3 },
          mode: { type: ['string', 'null'] },
          opts: { type: 'object', properties: { dry: { type: 'boolean' } }, additionalProperties: false },
          flags: { type: 'array', items: { type: 'boolean' }, default: [true, false] },
        },
        required: ['path', 'opts'],
      },
    };
    assert.equal(
      encodeToolsTypeScript([tool]),
      '# Tools\n\n## functions\nnamespace functions {\n' +
        '// Edit files.\n\n// One edit per call.\n' +
        'type edit = (_: {\n' +
        '  opts: {\n    dry?: boolean,\n    [k: string]: never\n  },\n' +
        '  // File path\n  // minLength: 1\n  path: string,\n' +
        '  // minimum: 0\n  // Default: 1\n  count?: number,\n' +
        '  // Default: [true, false]\n  flags?: Array<boolean>,\n' +
        '  mode?: string | null,\n' +
        '  // maxItems: 3\n  tags?: Array<\n    // a tag\n    string\n  >\n' +
        '}) => any;\n' +
        '}\n',
    );
  });

  it('$defs become interfaces and $ref their names', () => {
    const tool: ToolSpec = {
      name: 'move',
      description: '',
      parameters: {
        type: 'object',
        $defs: { Point: { type: 'object', description: 'A point', properties: { x: { type: 'number' }, y: { type: 'number' } }, required: ['x', 'y'] } },
        properties: { from: { $ref: '#/$defs/Point' }, to: { $ref: '#/$defs/Point', description: 'Target' } },
        required: ['from', 'to'],
      },
    };
    assert.equal(
      encodeToolsTypeScript([tool]),
      '# Tools\n\n## functions\nnamespace functions {\n' +
        '// A point\ninterface Point {\n  x: number,\n  y: number\n}\n' +
        'type move = (_: {\n  from: Point,\n  // Target\n  to: Point\n}) => any;\n' +
        '}\n',
    );
  });

  it('a schema the encoder cannot render falls back to the sorted JSON list, as the tokenizer does', () => {
    const odd: ToolSpec = { name: 'x', description: 'd', parameters: { type: 'object', properties: { a: { description: 'no type' } } } };
    assert.equal(encodeToolsTypeScript([odd]), null);
    assert.equal(
      renderToolDeclare([odd]),
      '<|im_system|>tool_declare<|im_middle|>[{"function":{"description":"d","name":"x","parameters":{"properties":{"a":{"description":"no type"}},"type":"object"}},"type":"function"}]<|im_end|>',
    );
    // K2 / K2-Thinking GGUFs (no tools_ts_str in their template) get the JSON list on purpose.
    assert.ok(renderToolDeclare([weather], 'json').includes('[{"function":{"description":"Get the current weather'));
  });

  it('hostile schemas (unknown $ref, bad enum, non-object) give the JSON fallback, never a throw', () => {
    for (const parameters of [
      { type: 'object', properties: { a: { $ref: '#/$defs/Missing' } } },
      { type: 'object', properties: { a: { type: 'string', enum: [1, 2] } } },
      { type: 'object', properties: { a: { type: ['string', 'weird'] } } },
      { type: 'object', properties: { a: 42 } },
    ] as Record<string, unknown>[]) {
      assert.equal(encodeToolsTypeScript([{ name: 'x', description: '', parameters }]), null, JSON.stringify(parameters));
      assert.ok(renderToolDeclare([{ name: 'x', description: '', parameters }]).startsWith('<|im_system|>tool_declare<|im_middle|>[{'));
    }
  });
});
