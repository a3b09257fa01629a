// ripgrep-style `--glob` matching for the native path: a glob without '/' matches a file's base
// name at any depth, one with '/' matches the workspace-relative path; a leading '!' excludes.

function globBody(glob: string): string {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slashAfter = glob[i + 2] === '/';
        re += slashAfter ? '(?:.*/)?' : '.*';
        i += slashAfter ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob.slice(i + 1, end).split(',').map(globBody).join('|')})`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

/** A predicate over workspace-relative paths (forward slashes), or undefined for no glob. */
export function globMatcher(glob: string | undefined): ((rel: string) => boolean) | undefined {
  if (!glob) return undefined;
  let negate = false;
  let g = glob;
  if (g.startsWith('!')) {
    negate = true;
    g = g.slice(1);
  }
  const anchored = g.includes('/') && !g.startsWith('**/');
  g = g.replace(/^\//, '').replace(/\/$/, '/**');
  const body = globBody(g);
  const re = anchored ? new RegExp(`^${body}(?:/.*)?$`) : new RegExp(`(?:^|/)${body}(?:/.*)?$`);
  return (rel) => re.test(rel) !== negate;
}
