export * from './types';
export { createWorkspace } from './workspace';
export { EditorDocuments } from './documents';
export { listCheckpoints, runChanges, acceptChanges, rejectChanges, ReviewError } from './review';
export { journalStoreFor, journalBaseDir } from './journal-store';
export { lspClientEdits, type ClientEdits } from './client-edits';
export { readOnlyWorkspace } from './read-only';
export { readingView } from './view';
