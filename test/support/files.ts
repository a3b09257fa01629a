// Writing a tree of files for a test: `{ 'src/a.ts': '…' }` under `root`, folders made as needed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `mode`: each new file's mode (before the umask), e.g. 0o644 for a test about modes. */
export function writeTree(root: string, files: Record<string, string>, mode?: number): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text, mode === undefined ? undefined : { mode });
  }
}
