// Pure helpers of the refactor command: the scope from the user's answers and the result in
// words. No `vscode` import (unit-tested in test/unit/src/refactor/scope.test.ts).
import type { RefactorParams, RefactorResult } from '../../server/protocol';

export interface ScopeAnswers {
  glob?: string;
  pattern?: string;
  regex?: boolean;
}

/** `RefactorParams.scope`, or undefined for the whole workspace. A regex that does not compile is an error message. */
export function buildScope(a: ScopeAnswers): { scope?: RefactorParams['scope']; error?: string } {
  const glob = a.glob?.trim();
  const pattern = a.pattern?.trim() ? a.pattern : undefined;
  if (pattern && a.regex) {
    try {
      new RegExp(pattern);
    } catch (err) {
      return { error: `Not a valid regular expression: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  if (!glob && !pattern) return {};
  return { scope: { ...(glob ? { glob } : {}), ...(pattern ? { pattern, ...(a.regex ? { regex: true } : {}) } : {}) } };
}

/** "12 sites in 5 files" style description of a scope for titles. */
export function describeScope(scope: RefactorParams['scope']): string {
  if (!scope) return 'the whole workspace';
  const parts: string[] = [];
  if (scope.pattern) parts.push(`${scope.regex ? 'regex' : 'text'} "${scope.pattern}"`);
  if (scope.glob) parts.push(`in ${scope.glob}`);
  return parts.join(' ');
}

/** One-line summary for the notification, then details for the output channel. */
export function summarizeRefactor(r: RefactorResult): { line: string; details: string[] } {
  const files = r.changedFiles.length;
  const sites = r.shards.reduce((n, s) => n + s.sites, 0);
  const failing = r.shards.filter((s) => s.failing);
  let line: string;
  if (r.status === 'cancelled') line = `Refactor cancelled; ${files} file${files === 1 ? '' : 's'} changed so far.`;
  else if (r.status === 'failed') line = `Refactor failed: ${r.error ?? 'unknown error'}${files ? ` (${files} file${files === 1 ? '' : 's'} changed)` : ''}.`;
  else line = `Refactor finished: ${files} file${files === 1 ? '' : 's'} changed in ${r.shards.length} shard${r.shards.length === 1 ? '' : 's'} (${sites} site${sites === 1 ? '' : 's'}).`;
  if (r.tests) line += r.tests.passed ? ` Tests passed (${r.tests.command}).` : ` Tests FAILED (${r.tests.command}, exit ${r.tests.exitCode ?? 'none'}).`;
  const details = [
    `refactor ${r.runId}: ${r.status}`,
    ...r.shards.map((s) => `  shard ${s.id}: ${s.files.length} file(s), ${s.sites} site(s)${s.outcome === 'fixed' ? ` — fixed in ${s.fixRounds} round(s)` : ''}${s.failing ? ' — FAILING' : ''}: ${s.files.join(', ')}`),
    ...(r.rounds ?? []).map((t) => `  tests, round ${t.round}: ${t.passed ? 'passed' : `failed${t.failingTests.length ? ` (${t.failingTests.join(', ')})` : ''}; ${t.blamed.map((b) => `${b.shard} by ${b.how}`).join(', ') || 'no shard blamed'}${t.bisectRuns ? `, ${t.bisectRuns} bisection run(s)` : ''}`}`),
    ...(r.changedFiles.length ? [`  changed: ${r.changedFiles.join(', ')}`] : []),
    ...(failing.length ? [`  failing shards: ${failing.map((s) => s.id).join(', ')}`] : []),
    ...(r.tests && !r.tests.passed ? [`  test output:\n${r.tests.output}`] : []),
    ...(r.text ? [`  summary:\n${r.text}`] : []),
  ];
  return { line, details };
}
