// RGBA images in memory and the few operations the comparer needs on them.
import { inflateSync } from 'node:zlib';
import { PNG } from 'pngjs';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel, row-major. */
  data: Uint8Array;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class ImageFormatError extends Error {
  override name = 'ImageFormatError';
}

export function isPng(buf: Uint8Array): boolean {
  return buf.length > 8 && buf[0] === 0x89 && buf[1] === 0x50 && buf[2] === 0x4e && buf[3] === 0x47;
}

/** Any PNG, through pngjs. */
export function decodePngJs(buf: Uint8Array): RgbaImage {
  if (!isPng(buf)) throw new ImageFormatError('not a PNG image');
  const png = PNG.sync.read(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  return { width: png.width, height: png.height, data: png.data };
}

export function encodePng(img: RgbaImage, deflateLevel = 6): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png, { deflateLevel });
}

/** `img` enlarged to width×height, new area filled with opaque white (the page background). */
export function padTo(img: RgbaImage, width: number, height: number): RgbaImage {
  if (img.width === width && img.height === height) return img;
  const data = new Uint8Array(width * height * 4).fill(255);
  const w = Math.min(width, img.width);
  const h = Math.min(height, img.height);
  for (let y = 0; y < h; y++) {
    data.set(img.data.subarray(y * img.width * 4, (y * img.width + w) * 4), y * width * 4);
  }
  return { width, height, data };
}

/** Box clipped to the image. */
export function clipBox(b: Box, width: number, height: number): Box {
  const x = Math.max(0, Math.min(width, Math.floor(b.x)));
  const y = Math.max(0, Math.min(height, Math.floor(b.y)));
  const x2 = Math.max(x, Math.min(width, Math.ceil(b.x + b.width)));
  const y2 = Math.max(y, Math.min(height, Math.ceil(b.y + b.height)));
  return { x, y, width: x2 - x, height: y2 - y };
}

export function crop(img: RgbaImage, box: Box): RgbaImage {
  const b = clipBox(box, img.width, img.height);
  const data = new Uint8Array(Math.max(1, b.width * b.height) * 4);
  for (let y = 0; y < b.height; y++) {
    const from = ((b.y + y) * img.width + b.x) * 4;
    data.set(img.data.subarray(from, from + b.width * 4), y * b.width * 4);
  }
  return { width: Math.max(1, b.width), height: Math.max(1, b.height), data };
}

/** Mean colour of a box as #rrggbb. */
export function meanColor(img: RgbaImage, box: Box): string {
  const b = clipBox(box, img.width, img.height);
  let r = 0, g = 0, bl = 0, n = 0;
  const step = Math.max(1, Math.floor(Math.sqrt((b.width * b.height) / 4096)));
  for (let y = b.y; y < b.y + b.height; y += step) {
    for (let x = b.x; x < b.x + b.width; x += step) {
      const i = (y * img.width + x) * 4;
      r += img.data[i]; g += img.data[i + 1]; bl += img.data[i + 2]; n++;
    }
  }
  if (!n) return '#ffffff';
  const hex = (v: number) => Math.round(v / n).toString(16).padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(bl)}`;
}

/**
 * Fast path for the PNGs browsers produce (8-bit RGB/RGBA, not interlaced): native inflate
 * plus a tight unfilter loop, several times faster than pngjs. Other PNGs go to pngjs.
 */
export function decodePng(buf: Uint8Array): RgbaImage {
  if (!isPng(buf)) throw new ImageFormatError('not a PNG image');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 8;
  let width = 0, height = 0, bitDepth = 0, colorType = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= buf.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      bitDepth = buf[pos + 16];
      colorType = buf[pos + 17];
      interlace = buf[pos + 20];
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    pos += 12 + len;
  }
  if (bitDepth !== 8 || (colorType !== 2 && colorType !== 6) || interlace !== 0) return decodePngJs(buf);
  const bpp = colorType === 6 ? 4 : 3;
  const stride = width * bpp;
  const raw = inflateSync(Buffer.concat(idat));
  if (raw.length < (stride + 1) * height) throw new ImageFormatError('truncated PNG data');
  const out = new Uint8Array(width * height * 4);
  let prev = new Uint8Array(stride);
  let cur = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const off = y * (stride + 1);
    const filter = raw[off];
    const line = raw.subarray(off + 1, off + 1 + stride);
    switch (filter) {
      case 0:
        cur.set(line);
        break;
      case 1:
        for (let i = 0; i < stride; i++) cur[i] = (line[i] + (i >= bpp ? cur[i - bpp] : 0)) & 255;
        break;
      case 2:
        for (let i = 0; i < stride; i++) cur[i] = (line[i] + prev[i]) & 255;
        break;
      case 3:
        for (let i = 0; i < stride; i++) cur[i] = (line[i] + (((i >= bpp ? cur[i - bpp] : 0) + prev[i]) >> 1)) & 255;
        break;
      case 4:
        for (let i = 0; i < stride; i++) {
          const a = i >= bpp ? cur[i - bpp] : 0;
          const b = prev[i];
          const c = i >= bpp ? prev[i - bpp] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          cur[i] = (line[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 255;
        }
        break;
      default:
        throw new ImageFormatError(`bad PNG filter ${filter}`);
    }
    const o = y * width * 4;
    if (bpp === 4) out.set(cur, o);
    else for (let x = 0, i = 0, j = o; x < width; x++, i += 3, j += 4) {
      out[j] = cur[i]; out[j + 1] = cur[i + 1]; out[j + 2] = cur[i + 2]; out[j + 3] = 255;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return { width, height, data: out };
}
