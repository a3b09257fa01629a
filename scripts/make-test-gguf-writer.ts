// A minimal GGUF v3 writer: header, key/value metadata, tensor infos, aligned tensor data.
// Format (little-endian): "GGUF" u32 version, u64 tensor_count, u64 kv_count, KVs,
// tensor infos (name, n_dims, dims[ne0..], ggml type, offset), padding, data.
import { closeSync, openSync, writeSync } from 'node:fs';

export const GGUF_ALIGNMENT = 32;

export enum GgufType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

export enum GgmlType {
  F32 = 0,
  F16 = 1,
}

export type GgufValue =
  | { type: GgufType.UINT32 | GgufType.INT32 | GgufType.FLOAT32 | GgufType.UINT64 | GgufType.BOOL; value: number | boolean }
  | { type: GgufType.STRING; value: string }
  | { type: GgufType.ARRAY; itemType: GgufType.STRING; value: string[] }
  | { type: GgufType.ARRAY; itemType: GgufType.INT32 | GgufType.FLOAT32; value: number[] };

export interface GgufTensor {
  name: string;
  /** ggml order: ne0 (the contiguous dimension) first. */
  dims: number[];
  type: GgmlType;
  /** Fills the tensor's elements in storage order. */
  data: Float32Array;
}

export const u32 = (value: number): GgufValue => ({ type: GgufType.UINT32, value });
export const f32 = (value: number): GgufValue => ({ type: GgufType.FLOAT32, value });
export const bool = (value: boolean): GgufValue => ({ type: GgufType.BOOL, value });
export const str = (value: string): GgufValue => ({ type: GgufType.STRING, value });
export const strArr = (value: string[]): GgufValue => ({ type: GgufType.ARRAY, itemType: GgufType.STRING, value });
export const i32Arr = (value: number[]): GgufValue => ({ type: GgufType.ARRAY, itemType: GgufType.INT32, value });

/** Growable little-endian byte buffer. */
class Bytes {
  private buf = Buffer.alloc(1 << 16);
  length = 0;
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.length);
    this.length += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.length);
    this.length += 4;
  }
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.length);
    this.length += 4;
  }
  u64(v: number): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.length);
    this.length += 8;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.length++] = v;
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.ensure(b.length);
    b.copy(this.buf, this.length);
    this.length += b.length;
  }
  pad(alignment: number): void {
    while (this.length % alignment !== 0) this.u8(0);
  }
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }
}

function writeValue(out: Bytes, v: GgufValue): void {
  out.u32(v.type);
  switch (v.type) {
    case GgufType.UINT32:
      out.u32(Number(v.value));
      return;
    case GgufType.INT32:
      out.i32(Number(v.value));
      return;
    case GgufType.FLOAT32:
      out.f32(Number(v.value));
      return;
    case GgufType.UINT64:
      out.u64(Number(v.value));
      return;
    case GgufType.BOOL:
      out.u8(v.value ? 1 : 0);
      return;
    case GgufType.STRING:
      out.str(v.value);
      return;
    case GgufType.ARRAY:
      out.u32(v.itemType);
      out.u64(v.value.length);
      for (const item of v.value) {
        if (v.itemType === GgufType.STRING) out.str(item as string);
        else if (v.itemType === GgufType.INT32) out.i32(item as number);
        else out.f32(item as number);
      }
      return;
  }
}

/** IEEE 754 binary16 from a float (round to nearest even on the mantissa). */
const scratchF = new Float32Array(1);
const scratchU = new Uint32Array(scratchF.buffer);
export function toHalf(value: number): number {
  scratchF[0] = value;
  const x = scratchU[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant = (mant | 0x800000) >>> (1 - e);
    return sign | ((mant + 0x1000) >>> 13);
  }
  const half = sign | (e << 10) | (mant >>> 13);
  return mant & 0x1000 ? half + 1 : half;
}

function tensorBytes(t: GgufTensor): Buffer {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== n) throw new Error(`tensor ${t.name}: ${t.data.length} values for dims ${t.dims.join('x')}`);
  if (t.type === GgmlType.F32) return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const out = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) out.writeUInt16LE(toHalf(t.data[i]!), i * 2);
  return out;
}

/** Writes a GGUF v3 file; returns its size in bytes. Tensor data is streamed to disk. */
export function writeGguf(path: string, kv: Record<string, GgufValue>, tensors: GgufTensor[]): number {
  const head = new Bytes();
  head.u32(0x46554747); // "GGUF"
  head.u32(3);
  head.u64(tensors.length);
  const entries = Object.entries(kv);
  head.u64(entries.length + 1);
  head.str('general.alignment');
  writeValue(head, u32(GGUF_ALIGNMENT));
  for (const [key, value] of entries) {
    head.str(key);
    writeValue(head, value);
  }
  let offset = 0;
  const sizes: number[] = [];
  for (const t of tensors) {
    head.str(t.name);
    head.u32(t.dims.length);
    for (const d of t.dims) head.u64(d);
    head.u32(t.type);
    head.u64(offset);
    const size = t.dims.reduce((a, b) => a * b, 1) * (t.type === GgmlType.F32 ? 4 : 2);
    sizes.push(size);
    offset += Math.ceil(size / GGUF_ALIGNMENT) * GGUF_ALIGNMENT;
  }
  head.pad(GGUF_ALIGNMENT);
  const fd = openSync(path, 'w');
  try {
    let written = writeSync(fd, head.bytes());
    const zeros = Buffer.alloc(GGUF_ALIGNMENT);
    tensors.forEach((t, i) => {
      written += writeSync(fd, tensorBytes(t));
      const pad = (GGUF_ALIGNMENT - (sizes[i]! % GGUF_ALIGNMENT)) % GGUF_ALIGNMENT;
      if (pad) written += writeSync(fd, zeros, 0, pad);
    });
    return written;
  } finally {
    closeSync(fd);
  }
}
