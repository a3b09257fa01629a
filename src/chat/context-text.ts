// Text helpers for the chat's attachments (no `vscode` import: unit-tested in plain Node).

const MAX_DIAGNOSTICS = 300;

/** ANSI CSI / OSC escape sequences (shell integration's own markers among them) and stray controls removed. */
export function stripAnsi(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b[@-_]/g, '')
    .replace(/\r\n/g, '\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/** The last `max` characters, starting at a line, with a note of what was cut. */
export function tail(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(-max);
  const nl = cut.indexOf('\n');
  return `[${s.length - max} earlier characters cut]\n${nl >= 0 ? cut.slice(nl + 1) : cut}`;
}

interface DiagnosticLike {
  severity: number;
  message: string;
  source?: string;
  code?: string | number | { value: string | number };
  range: { start: { line: number; character: number } };
}

const SEVERITY = ['error', 'warning', 'info', 'hint'];

/** Errors and warnings of workspace files, one per line: `path:line:col severity: message (source code)`. */
export function formatDiagnostics<U>(all: [U, readonly DiagnosticLike[]][], rel: (uri: U) => string | undefined): string {
  const lines: string[] = [];
  let total = 0;
  for (const [uri, diags] of all) {
    const p = rel(uri);
    if (!p) continue;
    for (const d of diags) {
      if (d.severity > 1) continue; // errors (0) and warnings (1)
      total++;
      if (lines.length >= MAX_DIAGNOSTICS) continue;
      const code = typeof d.code === 'object' ? d.code.value : d.code;
      const src = [d.source, code].filter((x) => x !== undefined && x !== '').join(' ');
      lines.push(`${p}:${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity]}: ${d.message.replace(/\s*\n\s*/g, ' ')}${src ? ` (${src})` : ''}`);
    }
  }
  if (!total) return 'No errors or warnings in the workspace.';
  return total > lines.length ? `${lines.join('\n')}\n[${total - lines.length} more not shown]` : lines.join('\n');
}
