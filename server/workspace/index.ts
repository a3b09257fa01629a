export * from './types';
export { createWorkspace } from './workspace';
export { EditorDocuments } from './documents';
