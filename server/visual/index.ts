// Facade of the visual loop: browser pool, renderers, comparer, report, loop.
export * from './browser-pool';
export * from './render';
export * from './compare';
export * from './report';
export { decodeImage, sniffMime } from './image-input';
export { decodePng, encodePng, type RgbaImage, type Box } from './png';
export { DEFAULT_VIEWPORT, type Viewport } from './page-load';
export type { ElementInfo, TextBlock } from './dom';
export type { BlockScores } from './blocks';
export { runVisualLoop, extractCode, LOOP_DEFAULTS, type LoopProgress, type LoopResult, type VisualLoopOptions, type StopReason } from './loop';
