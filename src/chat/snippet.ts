// The editor selection as text for the composer (Add Selection to Chat). No `vscode` import: unit-tested in plain Node.

/** The selection as the composer gets it: `path:L1-L2` and a fenced block (a fence longer than any backtick run inside). */
export function selectionSnippet(rel: string, language: string, startLine: number, endLine: number, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const where = startLine === endLine ? `${rel}:${startLine}` : `${rel}:${startLine}-${endLine}`;
  return `${where}\n${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}\n`;
}
