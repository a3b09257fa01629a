// The package checker reads executable formats from their headers (ELF e_machine, Mach-O
// cputype, PE machine). Header layouts: the System V ABI (ELF), Apple's <mach-o/loader.h> and
// <mach-o/fat.h>, Microsoft's PE/COFF specification.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain ESM script without types
import { classify } from '../../../scripts/check-package.mjs';
// @ts-expect-error plain ESM script without types
import { platformMatch } from '../../../scripts/package-vendor.mjs';

function elf(machine: number): Buffer {
  const b = Buffer.alloc(64);
  b.write('\x7fELF', 0, 'latin1');
  b.writeUInt16LE(machine, 18);
  return b;
}
function macho(cpu: number): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeUInt32LE(cpu, 4);
  return b;
}
function pe(machine: number): Buffer {
  const b = Buffer.alloc(256);
  b.write('MZ', 0, 'latin1');
  b.writeUInt32LE(0x80, 0x3c);
  b.write('PE\0\0', 0x80, 'latin1');
  b.writeUInt16LE(machine, 0x84);
  return b;
}

describe('package checker: executable formats by magic number', () => {
  it('ELF, Mach-O, fat Mach-O and PE with their architectures', () => {
    assert.deepEqual(classify(elf(0x3e)), { format: 'elf', arch: 'x64' });
    assert.deepEqual(classify(elf(0xb7)), { format: 'elf', arch: 'arm64' });
    assert.deepEqual(classify(macho(0x0100000c)), { format: 'macho', arch: 'arm64' });
    assert.deepEqual(classify(macho(0x01000007)), { format: 'macho', arch: 'x64' });
    assert.deepEqual(classify(pe(0x8664)), { format: 'pe', arch: 'x64' });
    assert.deepEqual(classify(pe(0xaa64)), { format: 'pe', arch: 'arm64' });
    const fat = Buffer.alloc(64);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    fat.writeUInt32BE(0x01000007, 8);
    fat.writeUInt32BE(0x0100000c, 28);
    assert.deepEqual(classify(fat), { format: 'macho', arch: 'x64+arm64' });
  });

  it('data is not an executable: text, JSON, a Java class file (same magic as fat Mach-O), a truncated header', () => {
    assert.equal(classify(Buffer.from('#!/usr/bin/env node\n')), undefined);
    assert.equal(classify(Buffer.from('{"name":"x"}')), undefined);
    const cls = Buffer.alloc(16);
    cls.writeUInt32BE(0xcafebabe, 0);
    cls.writeUInt32BE(0x00000041, 4); // minor 0, major 65 (Java 21)
    assert.equal(classify(cls), undefined);
    assert.equal(classify(Buffer.from('\x7fEL', 'latin1')), undefined);
    assert.equal(classify(Buffer.alloc(0)), undefined);
  });

  it('this very Node binary is what it says it is', () => {
    const head = readFileSync(process.execPath).subarray(0, 4096);
    const fmt = { linux: 'elf', darwin: 'macho', win32: 'pe' }[process.platform as 'linux'];
    assert.deepEqual(classify(head), { format: fmt, arch: process.arch });
  });

  it('platform packages: the lock file os/cpu decide, the first cpu being the package\'s own', () => {
    // @node-llama-cpp/linux-arm64 lists cpu ["arm64", "x64"] (it can be cross-installed).
    assert.equal(platformMatch({ os: ['linux'], cpu: ['arm64', 'x64'] }, 'linux-x64'), false);
    assert.equal(platformMatch({ os: ['linux'], cpu: ['arm64', 'x64'] }, 'linux-arm64'), true);
    assert.equal(platformMatch({ os: ['win32'], cpu: ['x64'] }, 'win32-x64'), true);
    assert.equal(platformMatch({ os: ['darwin'] }, 'darwin-arm64'), true);
    assert.equal(platformMatch({ os: ['darwin'] }, 'linux-x64'), false);
  });
});
