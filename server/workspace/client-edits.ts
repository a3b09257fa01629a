// Edits to documents open with unsaved changes go to the editor as `workspace/applyEdit`, so the
// buffer and its undo history stay right. With `editPreview` on, each edit carries a change
// annotation that needs confirmation (VS Code shows its refactor preview).
import { pathToFileURL } from 'node:url';
import type { EditorDocuments } from './documents';

export interface ClientEditResult {
  applied: boolean;
  failureReason?: string;
}

/** What the edit engine needs from the client. */
export interface ClientEdits {
  /** The client can apply workspace edits to open buffers. */
  readonly supported: boolean;
  /** Changes the open buffer of `abs` from `before` to `after`. */
  apply(abs: string, before: string, after: string, label: string): Promise<ClientEditResult>;
}

/** The LSP client capabilities the engine looks at. */
export interface EditCapabilities {
  workspace?: {
    applyEdit?: boolean;
    workspaceEdit?: { documentChanges?: boolean; changeAnnotationSupport?: unknown };
  };
}

interface Sender {
  sendRequest(method: string, params: unknown): Promise<unknown>;
}

export const ANNOTATION_ID = 'swarmcode.agentEdit';

export function lspClientEdits(conn: Sender, caps: EditCapabilities | undefined, docs: EditorDocuments, preview: () => boolean): ClientEdits {
  const supported = caps?.workspace?.applyEdit === true;
  const versioned = caps?.workspace?.workspaceEdit?.documentChanges === true;
  const annotations = versioned && !!caps?.workspace?.workspaceEdit?.changeAnnotationSupport;
  return {
    supported,
    async apply(abs, before, after, label) {
      const uri = pathToFileURL(abs).href;
      const { range, newText } = minimalEdit(before, after);
      const edit = annotations ? { range, newText, annotationId: ANNOTATION_ID } : { range, newText };
      const workspaceEdit = versioned
        ? {
            documentChanges: [{ textDocument: { uri, version: docs.version(abs) ?? null }, edits: [edit] }],
            ...(annotations ? { changeAnnotations: { [ANNOTATION_ID]: { label, needsConfirmation: preview(), description: 'SwarmCode agent edit' } } } : {}),
          }
        : { changes: { [uri]: [edit] } };
      const res = (await conn.sendRequest('workspace/applyEdit', { label, edit: workspaceEdit })) as ClientEditResult | null;
      return { applied: !!res?.applied, ...(res?.failureReason ? { failureReason: res.failureReason } : {}) };
    },
  };
}

export interface Position {
  line: number;
  character: number;
}

/** The smallest single replacement turning `before` into `after` (common prefix/suffix), in LSP positions. */
export function minimalEdit(before: string, after: string): { range: { start: Position; end: Position }; newText: string } {
  let p = 0;
  const max = Math.min(before.length, after.length);
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  // Never split a \r\n pair or a surrogate pair.
  while (p > 0 && (isLow(before.charCodeAt(p)) || (before[p - 1] === '\r' && before[p] === '\n'))) p--;
  let s = 0;
  while (s < max - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
  while (s > 0 && (isLow(before.charCodeAt(before.length - s)) || (before[before.length - s - 1] === '\r' && before[before.length - s] === '\n'))) s--;
  return {
    range: { start: positionAt(before, p), end: positionAt(before, before.length - s) },
    newText: after.slice(p, after.length - s),
  };
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

export function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
