// An MCP tool result (spec 2025-06-18, server/tools "Tool Result": content of text, image, audio,
// resource_link and embedded resource items; structuredContent; isError) as a SwarmCode tool
// output: text for the model, images as image parts it can see, resources as text.
import type { ImagePart } from '../model/types';
import { ToolError, type ToolOutput } from '../tools/types';

/** Image types the chat APIs take as image_url data URLs. */
const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Base64 characters per image passed on (about 7.5 MB decoded); larger ones are described instead. */
export const MAX_IMAGE_BASE64 = 10_000_000;
/** Images passed on per result; the rest are described. */
export const MAX_IMAGES = 8;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Item = Record<string, unknown>;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function resourceText(resource: Item): string {
  const uri = str(resource.uri);
  const mime = str(resource.mimeType);
  if (typeof resource.text === 'string') return `[resource ${uri}${mime ? ` (${mime})` : ''}]\n${resource.text}`;
  const blob = str(resource.blob);
  return `[resource ${uri}${mime ? ` (${mime})` : ''}: binary, ${Math.floor((blob.length * 3) / 4)} bytes, not shown]`;
}

function itemOutput(item: Item, images: ImagePart[]): string | undefined {
  switch (item.type) {
    case 'text':
      return str(item.text);
    case 'image': {
      const mimeType = str(item.mimeType).toLowerCase();
      const data = str(item.data);
      if (!IMAGE_TYPES.has(mimeType)) return `[image of type ${mimeType || 'unknown'} not shown: the model takes PNG, JPEG, GIF or WebP]`;
      if (data.length > MAX_IMAGE_BASE64) return `[image (${mimeType}) of ${data.length} base64 characters not shown: over ${MAX_IMAGE_BASE64}]`;
      if (!data || !BASE64.test(data)) return `[image (${mimeType}) not shown: its data is not base64]`;
      if (images.length >= MAX_IMAGES) return `[image (${mimeType}) not shown: over ${MAX_IMAGES} images in one result]`;
      images.push({ type: 'image', mimeType, data });
      return `[image ${images.length}: ${mimeType}]`;
    }
    case 'audio':
      return `[audio (${str(item.mimeType) || 'unknown type'}) not shown: the model does not take audio]`;
    case 'resource_link':
      return `[resource link ${str(item.uri)}${item.name ? ` "${str(item.name)}"` : ''}${item.mimeType ? ` (${str(item.mimeType)})` : ''}${item.description ? `: ${str(item.description)}` : ''}]`;
    case 'resource':
      return item.resource && typeof item.resource === 'object' ? resourceText(item.resource as Item) : '[resource without contents]';
    default:
      return `[content of unknown type ${JSON.stringify(item.type)?.slice(0, 40)} left out]`;
  }
}

/**
 * Maps a tools/call result. `isError: true` (a tool execution error the model should see, per the
 * spec) becomes a ToolError with the result's text. Structured content is shown as JSON when the
 * result has no content items (servers SHOULD also send it as text, but not all do).
 */
export function mapToolResult(result: unknown, toolName: string): ToolOutput {
  const r = (result && typeof result === 'object' ? result : {}) as Item;
  const images: ImagePart[] = [];
  const content = Array.isArray(r.content) ? (r.content as unknown[]) : [];
  const parts: string[] = [];
  for (const item of content) {
    if (!item || typeof item !== 'object') continue;
    const text = itemOutput(item as Item, images);
    if (text !== undefined) parts.push(text);
  }
  if (!parts.length && r.structuredContent !== undefined) parts.push(JSON.stringify(r.structuredContent, null, 2));
  // Legacy (protocol 2024-10-07) results carry `toolResult` instead of content.
  if (!parts.length && r.toolResult !== undefined) parts.push(typeof r.toolResult === 'string' ? r.toolResult : JSON.stringify(r.toolResult));
  const text = parts.join('\n');
  if (r.isError === true) throw new ToolError(`${toolName} reported an error:\n${text || '(no message)'}`);
  return { text: text || '(the tool returned no content)', ...(images.length ? { images } : {}) };
}
