// A native binding cut short (an interrupted install or unpack) is not refused by dlopen: the
// loader maps its segments past the end of the file and the process dies of SIGBUS when it
// touches them — the server gone, not an engine passed over. Checked before loading: every
// loadable segment (and the header tables) of an ELF file must lie within the file. Other
// formats (Mach-O, PE) and non-libraries are left to the loader, which refuses them with an error.
// Reference: the System V ABI, ELF header and program header layout (e_phoff, e_phnum, PT_LOAD
// p_offset + p_filesz).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const PT_LOAD = 1;

/** Why the ELF library at `file` cannot be mapped whole, or undefined (whole, not ELF, unreadable). */
export function truncatedLibrary(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined; // the loader reports it
  }
  try {
    const size = fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer | undefined => {
      if (pos < 0 || len < 0 || pos + len > size) return undefined;
      const b = Buffer.alloc(len);
      return readSync(fd, b, 0, len, pos) === len ? b : undefined;
    };
    const h = read(0, Math.min(64, size));
    if (!h || h.length < 52 || h.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const is64 = h[4] === 2;
    const le = h[5] !== 2;
    if (is64 && h.length < 64) return `is cut short (${size} bytes, ELF header incomplete)`;
    const u16 = (b: Buffer, o: number) => (le ? b.readUInt16LE(o) : b.readUInt16BE(o));
    const u32 = (b: Buffer, o: number) => (le ? b.readUInt32LE(o) : b.readUInt32BE(o));
    const word = (b: Buffer, o: number) => (is64 ? Number(le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : u32(b, o));
    const phoff = word(h, is64 ? 0x20 : 0x1c);
    const shoff = word(h, is64 ? 0x28 : 0x20);
    const phentsize = u16(h, is64 ? 0x36 : 0x2a);
    const phnum = u16(h, is64 ? 0x38 : 0x2c);
    const shentsize = u16(h, is64 ? 0x3a : 0x2e);
    const shnum = u16(h, is64 ? 0x3c : 0x30);
    const cut = (what: string, end: number) => `is cut short (${size} bytes; its ${what} ends at byte ${end})`;
    if (phoff + phnum * phentsize > size) return cut('program header table', phoff + phnum * phentsize);
    if (shoff && shoff + shnum * shentsize > size) return cut('section header table', shoff + shnum * shentsize);
    const table = read(phoff, phnum * phentsize);
    if (!table) return cut('program header table', phoff + phnum * phentsize);
    for (let i = 0; i < phnum; i++) {
      const at = i * phentsize;
      if (u32(table, at) !== PT_LOAD) continue;
      const offset = is64 ? word(table, at + 8) : u32(table, at + 4);
      const filesz = is64 ? word(table, at + 32) : u32(table, at + 16);
      if (offset + filesz > size) return cut(`loadable segment ${i}`, offset + filesz);
    }
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * The binding `require(pkg)` would load through node-gyp-build (tree-sitter and its grammars),
 * checked as above; throws an Error naming the file when it is cut short.
 */
export function checkPackageBinding(pkg: string, from: string): void {
  let file: string | undefined;
  try {
    const pkgJson = createRequire(from).resolve(`${pkg}/package.json`);
    const gypBuild = createRequire(pkgJson)('node-gyp-build') as { resolve(dir: string): string };
    file = gypBuild.resolve(dirname(pkgJson));
  } catch {
    return; // no package or no prebuild: loading it reports that
  }
  const why = truncatedLibrary(file);
  if (why) throw new Error(`${file} ${why}`);
}
