// Builds dist/chorus.js (ESM, one file), dist/chorus.min.js and dist/chorus.d.ts, then the
// engagement API as its own entry: dist/engage.js (and .min.js, .d.ts), which imports the core from
// ./chorus.js (./chorus.min.js) beside it instead of bundling it, so a page that loads both gets
// one Chorus class and plain clients pay nothing for engagement. Then it prints sizes.
// First it writes src/vocabulary.ts again from schema/vocabulary.json (scripts/vocabulary.mjs).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeVocabulary } from './vocabulary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
writeVocabulary();
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist);

const common = {
  entryPoints: [join(root, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  legalComments: 'none',
  logLevel: 'warning',
};
await build({ ...common, outfile: join(dist, 'chorus.js') });
await build({ ...common, outfile: join(dist, 'chorus.min.js'), minify: true });

// src/engage/* reach the core through '../index.js' only; that import stays an import of the core bundle.
const coreImport = (file) => ({
  name: 'chorus-core-external',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      /[\\/]src[\\/]engage[\\/]/.test(args.importer) ? { path: `./${file}`, external: true } : undefined);
  },
});
const engage = { ...common, entryPoints: [join(root, 'src/engage/index.ts')] };
await build({ ...engage, outfile: join(dist, 'engage.js'), plugins: [coreImport('chorus.js')] });
await build({ ...engage, outfile: join(dist, 'engage.min.js'), minify: true, plugins: [coreImport('chorus.min.js')] });

const bin = (name) => join(root, 'node_modules/.bin', name);
execFileSync(bin('tsc'), ['-p', root], { stdio: 'inherit' }); // type check: esbuild only strips types
execFileSync(bin('dts-bundle-generator'), ['--silent', '--no-banner', '--export-referenced-types=false', '--project', join(root, 'tsconfig.json'),
  '-o', join(dist, 'chorus.d.ts'), join(root, 'src/index.ts')], { stdio: 'inherit' });
execFileSync(bin('dts-bundle-generator'), ['--silent', '--no-banner', '--export-referenced-types=false', '--project', join(root, 'tsconfig.json'),
  '-o', join(dist, 'engage.d.ts'), join(root, 'src/engage/index.ts')], { stdio: 'inherit' });

await import('./size.mjs');
