// JSON with comments and trailing commas (VS Code's mcp.json is JSONC), parsed with JSON.parse
// after comments and trailing commas outside strings are removed.

/** Parses JSONC; throws a SyntaxError like JSON.parse for anything else that is not JSON. */
export function parseJsonc(text: string): unknown {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '"') {
      // Copy a string literal, escapes included.
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new SyntaxError('Unterminated comment in JSON');
      out += ' ';
      i = end + 2;
    } else {
      out += c;
      i++;
    }
  }
  // A comma followed only by whitespace before } or ] (outside strings: strings were copied whole,
  // but a string can contain ",}" — so only remove commas the tokenizer above saw outside strings).
  return JSON.parse(stripTrailingCommas(out));
}

function stripTrailingCommas(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (c === ',') {
      let j = i + 1;
      while (j < s.length && /\s/.test(s[j])) j++;
      if (s[j] === '}' || s[j] === ']') {
        i++;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}
