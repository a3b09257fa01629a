// The manifest both marketplaces need (VS Code Marketplace via vsce, Open VSX via ovsx): not
// private, a PNG icon, gallery banner, repository, changelog, license, README screenshots from
// media/. References: vsce's manifest validation (PNG icons only, no SVG images in README) and the
// VS Code "Extension Manifest" docs (galleryBanner, icon ≥ 128 px).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
// @ts-expect-error plain ESM script without types
import { manifestProblems, readmeImageProblems } from '../../../scripts/publish.mjs';

const root = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('publishing: manifest ready for both marketplaces', () => {
  it('the real package.json and README pass', () => {
    assert.deepEqual(manifestProblems(pkg), []);
    assert.deepEqual(readmeImageProblems(readFileSync(join(root, 'README.md'), 'utf8')), []);
    // The screenshot is a real PNG.
    assert.equal(readFileSync(join(root, 'media', 'screenshot-chat.png')).subarray(1, 4).toString('latin1'), 'PNG');
  });

  it('private, an SVG icon, no banner, no changelog and a missing screenshot are each reported', () => {
    const all = () => true;
    assert.match(manifestProblems({ ...pkg, private: true }, all).join('\n'), /private/);
    assert.match(manifestProblems({ ...pkg, icon: 'media/swarmcode.svg' }, all).join('\n'), /not a PNG/);
    assert.match(manifestProblems({ ...pkg, galleryBanner: undefined }, all).join('\n'), /galleryBanner/);
    assert.match(manifestProblems({ ...pkg, repository: undefined }, all).join('\n'), /repository/);
    assert.match(manifestProblems(pkg, (p: string) => p !== 'CHANGELOG.md').join('\n'), /no CHANGELOG\.md/);
    assert.match(readmeImageProblems('# x\nno images', all).join('\n'), /no screenshot/);
    assert.match(readmeImageProblems('![a](media/gone.png)', () => false).join('\n'), /media\/gone\.png: missing/);
    assert.match(readmeImageProblems('![a](media/a.png) ![b](media/b.svg)', all).join('\n'), /SVG/);
  });

  it('npm publish is refused (the package goes to the marketplaces, not the npm registry)', () => {
    assert.match(pkg.scripts.prepublishOnly, /process\.exit\(1\)/);
  });
});
