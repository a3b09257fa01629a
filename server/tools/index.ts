// The model-visible built-in tools (DESIGN.md §3). Just the list; one file per tool.
import type { Tool } from './types';
import { readFile } from './read_file';
import { listFiles } from './list_files';
import { grep } from './grep';
import { editFile } from './edit_file';
import { writeFile } from './write_file';
import { deleteFile } from './delete_file';
import { moveFile } from './move_file';
import { runCommand } from './run_command';
import { renderCompare } from './render_compare';
import { createSubagent } from './create_subagent';
import { assignTask } from './assign_task';
import { spawnSwarm } from './spawn_swarm';
import { findSymbol } from './find_symbol';
import { repoMap } from './repo_map';
import { gitTool } from './git';

export const builtinTools: Tool[] = [readFile, listFiles, grep, editFile, writeFile, runCommand, findSymbol, repoMap, renderCompare, gitTool, deleteFile, moveFile];

/** The orchestration tools of DESIGN.md §3 plus the spawn_swarm fan-out; given to the top-level agent. */
export const orchestrationTools: Tool[] = [createSubagent, assignTask, spawnSwarm];
