// Prints the bundle sizes: raw, minified, and minified + gzip (zlib level 9, as servers send it), for
// the core (chorus.js) and the engagement entry (engage.js, which imports the core beside it).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const kib = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
for (const name of ['chorus', 'engage']) {
  const raw = readFileSync(join(dist, `${name}.js`));
  const min = readFileSync(join(dist, `${name}.min.js`));
  console.log(`dist/${name}.js`.padEnd(21) + kib(raw.length));
  console.log(`dist/${name}.min.js`.padEnd(21) + kib(min.length));
  console.log(`  gzipped (level 9)  ${kib(gzipSync(min, { level: 9 }).length)}`);
}
