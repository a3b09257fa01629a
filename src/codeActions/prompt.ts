// The chat message a code action sends: what to do, the file, the line range, the language,
// the diagnostics and the selected code. No `vscode` import (unit-tested in plain Node).

export type SelectionIntent = 'explain' | 'fix' | 'refactor' | 'tests' | 'fixDiagnostic';

export interface SelectionContext {
  /** Workspace-relative path (forward slashes). */
  path: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  languageId: string;
  text: string;
  /** Diagnostics on the selection ("error TS2322: …"), the one the quick fix is for first. */
  diagnostics?: { message: string; severity?: string; source?: string; code?: string | number; line?: number }[];
  /** Extra words from the user (e.g. how to refactor). */
  instruction?: string;
}

export const INTENT_TITLES: Record<SelectionIntent, string> = {
  explain: 'Explain with SwarmCode',
  fix: 'Fix with SwarmCode',
  refactor: 'Refactor with SwarmCode',
  tests: 'Write Tests with SwarmCode',
  fixDiagnostic: 'Fix with SwarmCode',
};

const ASKS: Record<SelectionIntent, string> = {
  explain: 'Explain what this code does: its purpose, how it works step by step, and anything surprising or risky in it. Do not change any files.',
  fix: 'Find and fix the bugs in this code. Edit the file with the smallest correct change, then say what was wrong and what you changed.',
  refactor: 'Refactor this code to be clearer and simpler without changing its behaviour. Edit the file, keep its public interface, and summarize the change.',
  tests: "Write unit tests for this code. Use the project's existing test framework and conventions (look at existing tests first), put the tests where the project keeps them, and run them if you can.",
  fixDiagnostic: 'Fix the problem reported below. Edit the file with the smallest correct change, then explain the cause.',
};

/** The longest run of backticks in `text`, so the fence around it can be longer. */
function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

export function lineRange(ctx: Pick<SelectionContext, 'startLine' | 'endLine'>): string {
  return ctx.startLine === ctx.endLine ? `line ${ctx.startLine}` : `lines ${ctx.startLine}-${ctx.endLine}`;
}

/** Markdown for the chat: the ask, where the code is, diagnostics, the code fenced with its language. */
export function buildPrompt(intent: SelectionIntent, ctx: SelectionContext): string {
  const out: string[] = [ASKS[intent]];
  if (ctx.instruction?.trim()) out.push('', `Instructions: ${ctx.instruction.trim()}`);
  out.push('', `File: \`${ctx.path}\` (${lineRange(ctx)}, ${ctx.languageId})`);
  if (ctx.diagnostics?.length) {
    out.push('', 'Diagnostics:');
    for (const d of ctx.diagnostics) {
      const where = d.line ? `line ${d.line}: ` : '';
      const tag = [d.severity, d.source, d.code !== undefined ? String(d.code) : undefined].filter(Boolean).join(' ');
      out.push(`- ${where}${tag ? `${tag}: ` : ''}${d.message.trim()}`);
    }
  }
  const fence = fenceFor(ctx.text);
  out.push('', `${fence}${fenceLanguage(ctx.languageId)}`, ctx.text.replace(/\s+$/, ''), fence);
  return out.join('\n');
}

/** VS Code language ids that differ from the markdown fence names highlighters know. */
function fenceLanguage(languageId: string): string {
  const map: Record<string, string> = { typescriptreact: 'tsx', javascriptreact: 'jsx', shellscript: 'sh', plaintext: '' };
  return languageId in map ? map[languageId]! : languageId;
}

/** A selection too large for a chat message is cut, saying so (the agent can read the file). */
export const MAX_SELECTION_CHARS = 40_000;

export function clipSelection(text: string, max = MAX_SELECTION_CHARS): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… (${text.length - max} more characters cut; read the file for the rest)`;
}
