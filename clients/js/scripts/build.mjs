// Builds dist/chorus.js (ESM, one file), dist/chorus.min.js and dist/chorus.d.ts, then prints sizes.
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

const bin = (name) => join(root, 'node_modules/.bin', name);
execFileSync(bin('tsc'), ['-p', root], { stdio: 'inherit' }); // type check: esbuild only strips types
execFileSync(bin('dts-bundle-generator'), ['--silent', '--no-banner', '--export-referenced-types=false', '--project', join(root, 'tsconfig.json'),
  '-o', join(dist, 'chorus.d.ts'), join(root, 'src/index.ts')], { stdio: 'inherit' });

await import('./size.mjs');
