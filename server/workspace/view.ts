// What every wrapping view of a workspace (plan mode's read-only view, a sub-agent's recording
// view, a fix round's fence) passes through unchanged: where it is and how it reads.
import type { Workspace } from './types';

export type ReadingView = Pick<Workspace, 'root' | 'documents' | 'roots' | 'folders' | 'resolve' | 'relative' | 'readText'>;

export function readingView(ws: Workspace): ReadingView {
  return {
    root: ws.root,
    documents: ws.documents,
    ...(ws.roots ? { roots: ws.roots } : {}),
    ...(ws.folders ? { folders: ws.folders } : {}),
    resolve: (p) => ws.resolve(p),
    relative: (p) => ws.relative(p),
    readText: (p, s) => ws.readText(p, s),
  };
}
