// Arguments for an MCP prompt typed after its slash command (no `vscode` import: unit-tested in plain Node).
import type { CommandInfo } from '../../server/protocol';

/**
 * What the user typed after an MCP prompt's name → its named arguments: `key=value` words fill
 * the arguments of that name; the rest of the text fills the first argument still empty.
 */
export function promptArgs(info: CommandInfo, text: string): Record<string, string> {
  const declared = info.arguments ?? [];
  const args: Record<string, string> = {};
  const rest: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const m = /^([^=\s]+)=(.*)$/.exec(word);
    if (m && declared.some((a) => a.name === m[1])) args[m[1]] = m[2];
    else rest.push(word);
  }
  const free = declared.find((a) => args[a.name] === undefined);
  if (rest.length && free) args[free.name] = rest.join(' ');
  return args;
}
