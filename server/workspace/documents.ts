// Unsaved editor buffers, fed by the server's textDocument/did* handlers (DESIGN.md §2).
import * as path from 'node:path';
import type { DocumentStore } from './types';

interface OpenDocument {
  text: string;
  dirty: boolean;
  /** The editor's document version (LSP), when the client sent one. */
  version?: number;
}

/**
 * The editor's open documents keyed by absolute path. `isDirty` is true between a
 * `change` and the next `saved` (or a fresh `open`).
 */
export class EditorDocuments implements DocumentStore {
  private readonly docs = new Map<string, OpenDocument>();
  private readonly listeners = new Set<(absPath: string) => void>();

  open(absPath: string, text: string, version?: number): void {
    this.set(absPath, { text, dirty: false, version });
  }

  change(absPath: string, text: string, version?: number): void {
    this.set(absPath, { text, dirty: true, version: version ?? this.docs.get(key(absPath))?.version });
  }

  /** The LSP version of an open document (for versioned workspace/applyEdit). */
  version(absPath: string): number | undefined {
    return this.docs.get(key(absPath))?.version;
  }

  /** The client applied our edit to the buffer; its didChange will follow with the same text. */
  appliedEdit(absPath: string, text: string): void {
    const doc = this.docs.get(key(absPath));
    // The client's version moves on; unknown until its didChange arrives (then unversioned edits).
    if (doc) this.set(absPath, { text, dirty: true, version: undefined });
  }

  /** didChange that carried text we already hold (the echo of our own applyEdit): just the version. */
  setVersion(absPath: string, version: number): void {
    const doc = this.docs.get(key(absPath));
    if (doc) doc.version = version;
  }

  /** didSave; `text` is the saved content when the client includes it. */
  saved(absPath: string, text?: string): void {
    const doc = this.docs.get(key(absPath));
    if (!doc) return;
    this.set(absPath, { text: text ?? doc.text, dirty: false, version: doc.version });
  }

  close(absPath: string): void {
    if (this.docs.delete(key(absPath))) this.emit(absPath);
  }

  get(absPath: string): string | undefined {
    return this.docs.get(key(absPath))?.text;
  }

  isDirty(absPath: string): boolean {
    return this.docs.get(key(absPath))?.dirty ?? false;
  }

  /** Absolute paths of open documents with unsaved changes. */
  dirtyPaths(): string[] {
    return [...this.docs].filter(([, d]) => d.dirty).map(([p]) => p);
  }

  /** The workspace wrote `text` to disk: a clean open buffer now holds that text. */
  wroteToDisk(absPath: string, text: string): void {
    const doc = this.docs.get(key(absPath));
    if (doc && !doc.dirty) this.set(absPath, { text, dirty: false, version: doc.version });
  }

  /** Called with the absolute path whenever a document opens, changes, saves or closes. */
  onDidChange(listener: (absPath: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(absPath: string, doc: OpenDocument): void {
    this.docs.set(key(absPath), doc);
    this.emit(absPath);
  }

  private emit(absPath: string): void {
    for (const l of this.listeners) l(key(absPath));
  }
}

function key(absPath: string): string {
  return path.resolve(absPath);
}
