// The index over a multi-root workspace (server/workspace/roots.ts): it walks the workspace's
// folder of links, so its paths are `name/…` under that folder, while the editor and the file
// watcher of the client name real paths in each root. These map one to the other.
import { join, relative, sep } from 'node:path';
import { isInside } from '../workspace/sandbox';
import type { SearchWorkspace } from './search';

export interface RootsView {
  /** The folders ripgrep walks: the root names with several roots, none (the root itself) with one. */
  tops: string[];
  /** A real path in a root → the same file under the folder of links (unchanged with one root). */
  toIndex(abs: string): string;
  /** The workspace as the index sees it: buffers looked up by their real paths. */
  workspace: SearchWorkspace;
}

export function rootsView(ws: SearchWorkspace): RootsView {
  const folders = ws.folders ?? [];
  const roots = ws.roots ?? [];
  if (!folders.length || folders.length !== roots.length) return { tops: [], toIndex: (abs) => abs, workspace: ws };
  const toIndex = (abs: string): string => {
    if (isInside(ws.root, abs)) return abs;
    let best = -1;
    for (let i = 0; i < roots.length; i++) if (isInside(roots[i], abs) && (best < 0 || roots[i].length > roots[best].length)) best = i;
    return best < 0 ? abs : join(ws.root, folders[best], relative(roots[best], abs));
  };
  const toReal = (abs: string): string => {
    const rel = relative(ws.root, abs).split(sep);
    const i = folders.indexOf(rel[0]);
    return i < 0 || rel[0] === '' ? abs : join(roots[i], ...rel.slice(1));
  };
  const docs = ws.documents;
  const documents = docs && {
    get: (p: string) => docs.get(toReal(p)),
    isDirty: (p: string) => docs.isDirty(toReal(p)),
    dirtyPaths: () => (docs.dirtyPaths?.() ?? []).map(toIndex),
  };
  return { tops: [...folders], toIndex, workspace: { ...ws, root: ws.root, ...(documents ? { documents } : {}) } };
}
