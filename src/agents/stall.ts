// `swarmcode.laneStallSeconds`: how long a running sub-agent may go without any event before the
// chat's lanes and the Agents view flag it "no progress". Client-only (the server never sees it).
import * as vscode from 'vscode';

export const STALL_SETTING = 'swarmcode.laneStallSeconds';
const DEFAULT_SECONDS = 60;

export function stallSeconds(): number {
  const v = vscode.workspace.getConfiguration('swarmcode').get<number>('laneStallSeconds', DEFAULT_SECONDS);
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? v : DEFAULT_SECONDS;
}
