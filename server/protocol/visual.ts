import { NotificationType, RequestType } from './rpc';
import type { ImageInput, ThinkingMode, RunStatus } from '../protocol';

// Visual coding: screenshot / design → component, refined in a render-compare loop

export type VisualTargetKind = 'html' | 'react';

export interface VisualParams {
  /** Chosen by the client so it can match `swarm/visualProgress` before the request returns. */
  runId: string;
  /** The design: PNG, JPEG or WebP. */
  image: ImageInput;
  target: VisualTargetKind;
  /** Workspace-relative path the best version is written to (.html or .tsx). */
  outputPath: string;
  /** Extra instructions for the model. */
  instructions?: string;
  /** Default 5. */
  maxRounds?: number;
  /** Stop once the score reaches this (0..1, default 0.95). */
  threshold?: number;
  /** Stop after this many rounds without improvement (default 2). */
  patience?: number;
  /** Versions sampled in parallel per round, best kept (default 1, at most 8). */
  candidates?: number;
  /** Viewport; default the image width × min(image height, 800). */
  width?: number;
  height?: number;
  thinking?: ThinkingMode;
}

/** One evaluated candidate. */
export interface VisualIteration {
  round: number;
  candidate: number;
  /** 0..1, 1 = identical; 0 when the candidate could not be extracted or rendered. */
  score: number;
  ssim?: number;
  pixelMismatch?: number;
  /** Best score so far. */
  best: number;
  /** This candidate is the new best. */
  improved: boolean;
  code?: string;
  /** Text report as the model sees it. */
  report?: string;
  error?: string;
  /** base64 PNGs (present when the candidate rendered). */
  render?: string;
  heatmap?: string;
}

export interface VisualProgressParams {
  runId: string;
  iteration: VisualIteration;
}

export interface VisualResult {
  runId: string;
  status: RunStatus;
  /** Workspace-relative path written (empty when nothing rendered). */
  outputPath: string;
  code: string;
  bestScore: number;
  bestRound: number;
  rounds: number;
  stopReason?: 'threshold' | 'patience' | 'max';
  history: { round: number; candidate: number; score: number }[];
  error?: string;
}

/** Client → server. Resolves when the loop ends; `$/cancelRequest` or `swarm/cancel` (same runId) stop it. */
export const VisualRequest = new RequestType<VisualParams, VisualResult, void>('swarm/visual');
/** Server → client: one notification per evaluated candidate. */
export const VisualProgressNotification = new NotificationType<VisualProgressParams>('swarm/visualProgress');
