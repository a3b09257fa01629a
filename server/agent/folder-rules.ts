// Nested AGENTS.md: the first time an agent's tool touches a path under a folder that has its own
// rules file (the nearest one wins, as agents.md says), that file's text is put in front of the
// tool's result — once per agent and file. The system prompt and everything before this turn stay
// byte-identical, so the shared prefix across sub-agents (and the prefix cache) is kept.
import { stat } from 'node:fs/promises';
import { dirname, relative, isAbsolute, sep } from 'node:path';
import type { Tool, ToolContext } from '../tools/types';
import { folderRulesNote, type NestedRulesFinder } from '../rules';

function pathsOf(args: unknown): string[] {
  if (!args || typeof args !== 'object') return [];
  const a = args as Record<string, unknown>;
  return ['path', 'from', 'to'].map((k) => a[k]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** The root `abs` lies in and, in a multi-root workspace, its folder name (the innermost root wins). */
function rootOf(ws: ToolContext['workspace'], abs: string): { root: string; name?: string } {
  if (!ws.folders || !ws.roots) return { root: ws.root };
  let best: { root: string; name?: string } | undefined;
  ws.roots.forEach((r, i) => {
    const rel = relative(r, abs);
    const inside = rel === '' || (!isAbsolute(rel) && rel.split(sep)[0] !== '..');
    if (inside && (!best || r.length > best.root.length)) best = { root: r, name: ws.folders![i] };
  });
  return best ?? { root: ws.root };
}

/**
 * A run's tools, each adding a folder's rules to its result the first time the calling agent
 * (ToolContext.agentId) works there. Wrapped once per run, so every agent shares the same tool
 * objects (and their cached JSON schemas).
 */
export function withFolderRules(tools: Tool[], finder: NestedRulesFinder): Tool[] {
  const shownTo = new Map<string, Set<string>>();
  return tools.map((tool): Tool => {
    if (tool.delegates) return tool;
    return {
      ...tool,
      async run(args, ctx, signal) {
        const out = await tool.run(args, ctx, signal);
        let shown = shownTo.get(ctx.agentId);
        if (!shown) shownTo.set(ctx.agentId, (shown = new Set()));
        const notes: string[] = [];
        for (const p of pathsOf(args)) {
          let dir: string;
          try {
            const abs = await ctx.workspace.resolve(p);
            dir = (await stat(abs).catch(() => undefined))?.isDirectory() ? abs : dirname(abs);
          } catch {
            continue;
          }
          const { root, name } = rootOf(ctx.workspace, dir);
          const rules = await finder.nearest(dir, root, name);
          if (!rules || shown.has(rules.path)) continue;
          shown.add(rules.path);
          notes.push(folderRulesNote(rules));
        }
        if (!notes.length) return out;
        const note = notes.join('\n\n');
        return typeof out === 'string' ? `${note}\n\n${out}` : { ...out, text: `${note}\n\n${out.text}` };
      },
    };
  });
}
