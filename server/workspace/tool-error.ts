// The error a tool returns to the model (DESIGN.md §5.6). It lives in the lowest layer that
// raises it — the workspace refuses paths, stale edits and undecodable files with it — and
// server/tools/types.ts re-exports it for the tools.

/** An error the model should see and recover from; the run goes on. */
export class ToolError extends Error {
  override name = 'ToolError';
}
