// `swarmcode <command> --help`: every flag, the environment variables the command reads and its
// exit codes. Kept apart from the commands so help and --version load nothing heavy; the unit
// test (test/unit/cli/help.test.ts) checks each command's parser options against these lists.

export interface CommandHelp {
  usage: string;
  about: string;
  /** [flag as typed, what it does]; the flag's long name must match the parser's option. */
  flags: [string, string][];
  env: [string, string][];
  exit: [string, string][];
}

/** render and compare: where the browser comes from. */
const BROWSER_ENV: [string, string][] = [
  ['SWARMCODE_BROWSER', 'browser executable when --browser is absent'],
  ['PUPPETEER_EXECUTABLE_PATH', 'read after SWARMCODE_BROWSER'],
];

const SERVER_ENV: [string, string][] = [
  ['SWARMCODE_SERVER', 'the server bundle to start (default: dist/server.js next to the CLI)'],
  ['SWARMCODE_SERVER_NODE_ARGS', 'extra Node flags for the server process (e.g. --cpu-prof)'],
  ['SWARMCODE_JOURNAL_DIR', 'where run checkpoints go (default $XDG_STATE_HOME/swarmcode/journals, else ~/.local/state/swarmcode/journals)'],
  ['SWARMCODE_SEARCH_ENGINE', 'native, wasm or ripgrep: the server\'s search engine (default auto: native index, then its WebAssembly build, then ripgrep)'],
  ['SWARMCODE_NO_NATIVE', '1: the server skips the native search index'],
  ['SWARMCODE_NO_WASM', '1: the server skips the search index\'s WebAssembly build'],
];

export const HELP: Record<string, CommandHelp> = {
  run: {
    usage: 'swarmcode run [options] TASK',
    about: 'Runs one task in a workspace. The answer streams to stdout; thinking and tool calls to stderr.',
    flags: [
      ['--workspace DIR', 'the repository to work on (default: the current directory); given several times, a multi-root workspace whose paths start with each folder\'s name'],
      ['--preset NAME', 'endpoint preset: moonshot, moonshot-cn, kimi-code, openrouter, vllm, sglang, ollama, lmstudio, llamacpp, local (fills base URL, model, key variable, dialect)'],
      ['--base-url URL', 'OpenAI-compatible base URL, or `local` for the embedded llama.cpp engine (default https://api.moonshot.ai/v1)'],
      ['--model ID', 'model id sent to the endpoint (default kimi-k2.5)'],
      ['--api-key-env NAME', 'the environment variable holding the API key (default MOONSHOT_API_KEY, or the preset\'s)'],
      ['--dialect auto|moonshot|vllm|none', 'how thinking on/off is sent (default auto: from the preset, else the host)'],
      ['--thinking on|off', 'force thinking or instant mode (default: decided per run)'],
      ['--max-tokens N', 'output cap sent as max_tokens on every request'],
      ['--context-window N', 'the model\'s context window in tokens, when neither preset nor /models says'],
      ['--max-steps N', 'model→tool steps of the top-level agent (default 100)'],
      ['--max-total-steps N', 'model turns across every agent of the run (default 1500)'],
      ['--concurrency N', 'model requests in flight at once, across all agents (default 16)'],
      ['--max-agents N', 'sub-agents in one run (default 100)'],
      ['--subagent-steps N', 'model turns per sub-agent (default 100)'],
      ['--no-swarm', 'a single agent: no create_subagent / assign_task / spawn_swarm tools'],
      ['--model-path FILE', 'the GGUF file (or hf: URI) for the embedded engine; implies --base-url local unless a base URL is given'],
      ['--context-size, --local-context N', 'embedded engine: context tokens per sequence (default: what free memory allows, 16,384–32,768)'],
      ['--local-parallel N', 'embedded engine: sequences decoded together (default min(concurrency, 8))'],
      ['--worktrees', 'every sub-agent works in its own git worktree, merged back three-way'],
      ['--plan', 'plan mode: read-only tools only; the answer is a plan and nothing in the workspace changes'],
      ['--yes', 'run any command the agent asks for (default: only allowlisted ones like `npm test`, `git status`)'],
      ['--budget-tokens N', 'stop the run cleanly once its agents used N tokens (input, cached included, + output); exit code 3'],
      ['--budget-usd X', 'stop the run cleanly once it cost X dollars (needs prices: Moonshot\'s K2.5, or pricing in the settings); exit code 3'],
      ['--allow-wide-swarm', 'allow a spawn_swarm wider than swarmConfirmWidth (default 32) sub-agents; without it such a swarm is declined'],
      ['--allow-network', 'commands get network access inside the sandbox (default: no network)'],
      ['--allow-host HOST', 'repeatable: commands may reach HOST through a filtering proxy, other hosts are refused (Linux)'],
      ['--shell SHELL', 'the shell commands run through: auto (default: /bin/sh; on Windows PowerShell, else cmd), sh, powershell, pwsh, cmd, gitbash, or an absolute path'],
      ['--json', 'print one swarm/event JSON object per line instead, ending with run_finished'],
      ['--verbose', 'print the search and symbols engines the server chose (and why a fallback was taken) to stderr before the run'],
      ['--image FILE', 'attach a PNG, JPEG, WebP or GIF (repeatable)'],
      ['--mcp-config FILE', 'MCP servers in VS Code\'s mcp.json shape (JSONC; repeatable, later files win by name); tools reach the model as mcp__SERVER__TOOL'],
      ['--mcp-allow SERVER|TOOL', 'let an MCP server\'s tools (or one mcp__SERVER__TOOL) run without asking; without --yes the others are declined (repeatable)'],
      ['-h, --help', 'this help'],
    ],
    env: [
      ['MOONSHOT_API_KEY', 'the API key for Moonshot (or the variable named by --api-key-env / the preset: KIMI_API_KEY, OPENROUTER_API_KEY, VLLM_API_KEY)'],
      ['SWARMCODE_BASE_URL', 'base URL when --base-url and --preset are absent'],
      ['SWARMCODE_MODEL', 'model id when --model is absent'],
      ['SWARMCODE_MODEL_PATH', 'GGUF for the embedded engine when --model-path is absent (else the first *.gguf in ~/.cache/swarmcode/models)'],
      ['SWARMCODE_LOG', '`debug` logs the server\'s debug lines to stderr (default: warnings)'],
      ['SWARMCODE_BROWSER', 'Chromium / Chrome / Edge for the visual tools (found automatically otherwise)'],
      ['SWARMCODE_SHELL', 'the shell when --shell is absent or auto (same values)'],
      ['SWARMCODE_SYMBOLS_ENGINE', 'tree-sitter engine for symbols: auto (native, then WebAssembly), native or wasm'],
      ['SWARMCODE_NO_NATIVE', '`1`: no native code in the server (search by ripgrep, symbols by WebAssembly)'],
      ...SERVER_ENV,
    ],
    exit: [
      ['0', 'the run finished'],
      ['1', 'the run failed (model error, server crash)'],
      ['2', 'usage or configuration error (bad flag, no API key, missing workspace)'],
      ['3', 'stopped at the budget (--budget-tokens / --budget-usd); changes so far stay for review'],
      ['130', 'interrupted (Ctrl-C; the run is cancelled first)'],
    ],
  },
  render: {
    usage: 'swarmcode render FILE --out PNG [options]',
    about: 'Renders an HTML file or a React TSX component to a PNG in headless Chromium (network blocked).',
    flags: [
      ['--out PNG', 'where to write the image (required)'],
      ['--width W', 'viewport width, 16–8192 (default 1280)'],
      ['--height H', 'viewport height, 16–8192 (default 800)'],
      ['--full-page', 'capture the whole scrollable page'],
      ['--browser PATH', 'Chromium / Chrome / Edge executable'],
      ['-h, --help', 'this help'],
    ],
    env: BROWSER_ENV,
    exit: [
      ['0', 'the PNG was written'],
      ['1', 'rendering failed'],
      ['2', 'usage error, or no browser found'],
    ],
  },
  compare: {
    usage: 'swarmcode compare --target PNG --candidate FILE [options]',
    about: 'Renders an HTML/TSX file and compares it with a target image: score, SSIM, differing regions.',
    flags: [
      ['--target PNG', 'the image to match (required)'],
      ['--candidate FILE', 'the HTML or TSX file to render (required)'],
      ['--width W', 'viewport width, 16–8192 (default: the target\'s)'],
      ['--height H', 'viewport height, 16–8192 (default: the target\'s)'],
      ['--json', 'print {score, pixelMismatch, ssim, regions} as JSON'],
      ['--heatmap PNG', 'also write a difference heat map'],
      ['--browser PATH', 'Chromium / Chrome / Edge executable'],
      ['-h, --help', 'this help'],
    ],
    env: BROWSER_ENV,
    exit: [
      ['0', 'compared (whatever the score)'],
      ['1', 'rendering or comparing failed'],
      ['2', 'usage error, unreadable target, or no browser found'],
    ],
  },
  doctor: {
    usage: 'swarmcode doctor [options]',
    about: 'Checks the model endpoint (reachable, model listed, tool calls, images) or the local GGUF, and the engines the server chooses in the current directory (its initialize result): search (native index, its WebAssembly build, or ripgrep) and symbols (native tree-sitter or web-tree-sitter), and says what to fix.',
    flags: [
      ['--base-url URL', 'endpoint to check (default https://api.moonshot.ai/v1)'],
      ['--model ID', 'model to check (default kimi-k2.5)'],
      ['--api-key-env NAME', 'the environment variable holding the API key'],
      ['--model-path GGUF', 'check this GGUF with the embedded engine instead: a real first turn of a run'],
      ['--context-size N', 'context per sequence for that first turn (default: the engine\'s)'],
      ['--json', 'print the checks as JSON'],
      ['-h, --help', 'this help'],
    ],
    env: [
      ['MOONSHOT_API_KEY', 'the API key (or the variable named by --api-key-env)'],
      ['SWARMCODE_MODEL_PATH', 'GGUF for the embedded engine when no endpoint is configured'],
      ['SWARMCODE_SEARCH_ENGINE', 'native, wasm, ripgrep or auto (default): the search engine to check for'],
      ['SWARMCODE_SYMBOLS_ENGINE', 'native, wasm or auto (default): the symbols engine to check for'],
      ['SWARMCODE_NO_NATIVE', '1: skip the native search index and native tree-sitter (WebAssembly is next)'],
      ['SWARMCODE_NO_WASM', '1: skip the search index\'s WebAssembly build'],
    ],
    exit: [
      ['0', 'every check passed (warnings allowed)'],
      ['1', 'a check failed'],
      ['2', 'usage error'],
    ],
  },
};

function table(rows: [string, string][]): string {
  const w = Math.min(34, Math.max(...rows.map(([a]) => a.length)));
  return rows.map(([a, b]) => (a.length > w ? `  ${a}\n  ${' '.repeat(w)}  ${b}` : `  ${a.padEnd(w)}  ${b}`)).join('\n');
}

export function formatHelp(h: CommandHelp): string {
  return `usage: ${h.usage}\n\n${h.about}\n\noptions:\n${table(h.flags)}\n\nenvironment:\n${table(h.env)}\n\nexit codes:\n${table(h.exit)}\n`;
}
