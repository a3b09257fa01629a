// Target images arrive as PNG, JPEG or WebP: PNG is decoded here, the others by the browser.
import type { BrowserPool } from './browser-pool';
import { decodePng, isPng, ImageFormatError, type RgbaImage } from './png';

export function sniffMime(buf: Uint8Array): string | undefined {
  if (isPng(buf)) return 'image/png';
  if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length > 12 && String.fromCharCode(...buf.subarray(0, 4)) === 'RIFF' && String.fromCharCode(...buf.subarray(8, 12)) === 'WEBP') return 'image/webp';
  if (buf.length > 6 && String.fromCharCode(...buf.subarray(0, 3)) === 'GIF') return 'image/gif';
  return undefined;
}

/** Decodes an image to RGBA; non-PNG formats go through a canvas in the pooled browser. */
export async function decodeImage(pool: BrowserPool, buf: Uint8Array, signal?: AbortSignal): Promise<RgbaImage> {
  const mime = sniffMime(buf);
  if (mime === 'image/png') return decodePng(buf);
  if (!mime) throw new ImageFormatError('unsupported image format (expected PNG, JPEG or WebP)');
  const dataUrl = `data:${mime};base64,${Buffer.from(buf).toString('base64')}`;
  const png = await pool.withPage(
    'image-decoder',
    async (rp) => {
      rp.allow([]);
      await rp.page.goto('about:blank');
      const out = (await rp.page.evaluate(`(async (src) => {
        const img = new Image();
        img.src = src;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.naturalWidth; c.height = img.naturalHeight;
        c.getContext('2d').drawImage(img, 0, 0);
        return c.toDataURL('image/png');
      })(${JSON.stringify(dataUrl)})`)) as string;
      return Buffer.from(out.slice(out.indexOf(',') + 1), 'base64');
    },
    signal,
  );
  return decodePng(png);
}
