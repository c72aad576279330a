// Prints the bundle sizes: raw, minified, and minified + gzip (zlib level 9, as servers send it).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const kib = (n) => `${n} B (${(n / 1024).toFixed(1)} KiB)`;
const raw = readFileSync(join(dist, 'chorus.js'));
const min = readFileSync(join(dist, 'chorus.min.js'));
console.log(`dist/chorus.js       ${kib(raw.length)}`);
console.log(`dist/chorus.min.js   ${kib(min.length)}`);
console.log(`  gzipped (level 9)  ${kib(gzipSync(min, { level: 9 }).length)}`);
