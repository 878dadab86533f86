// Compares the speed of two builds of runjson, alternating them file by file: on a shared machine whose
// speed drifts 10–20 % over seconds, timing whole passes of one build and then of the other measured
// the drift as often as the change; alternating per file (and swapping which build goes first) cancels it.
//
//   git worktree add /tmp/base <commit> && ln -s "$PWD/node_modules" /tmp/base/node_modules
//   (cd /tmp/base && npx tsc -p tsconfig.build.json) && npm run build
//   node scripts/ab-builds.mjs /tmp/base . [fit|tcx|gpx] [passes] [corpus folder]
//
// Each file is converted to Activity JSON bytes (convertSync + toBytes, every sport) by both builds, and
// the output sizes must agree. Prints B/A (the second build's time over the first's) per pass: its
// median and quartiles. Run it twice with the builds swapped; a real change shows in both orders.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [rootA, rootB, format = 'fit', passesArg = '30', dirArg] = process.argv.slice(2);
if (rootA === undefined || rootB === undefined) {
  console.error('usage: node scripts/ab-builds.mjs ROOT_A ROOT_B [fit|tcx|gpx] [passes] [folder]');
  process.exit(2);
}
const load = async (root) => (await import(pathToFileURL(resolve(root, 'dist', 'index.js')).href)).convertSync;
const A = await load(rootA);
const B = await load(rootB);
const dir = dirArg ?? resolve(import.meta.dirname, '..', '..', 'shared', 'corpus', format);
const files = readdirSync(dir)
  .filter((f) => f.toLowerCase().endsWith(`.${format}`))
  .map((f) => new Uint8Array(readFileSync(join(dir, f))))
  .filter((b) => {
    try {
      return A(b, { sports: 'all' }).activities.length > 0;
    } catch {
      return false;
    }
  });
const size = (convert, b) => convert(b, { sports: 'all' }).activities.reduce((n, a) => n + a.toBytes().length, 0);
for (const b of files) {
  if (size(A, b) !== size(B, b)) console.log('note: the two builds give outputs of different sizes for a file');
}
for (let i = 0; i < 5; i++) for (const b of files) size(A, b), size(B, b);

const passes = Number(passesArg);
const ratios = [];
let totalA = 0;
let totalB = 0;
for (let r = 0; r < passes; r++) {
  let a = 0;
  let b = 0;
  files.forEach((bytes, k) => {
    const bFirst = ((r + k) & 1) === 1;
    let t = performance.now();
    size(bFirst ? B : A, bytes);
    const first = performance.now() - t;
    t = performance.now();
    size(bFirst ? A : B, bytes);
    const second = performance.now() - t;
    a += bFirst ? second : first;
    b += bFirst ? first : second;
  });
  ratios.push(b / a);
  totalA += a;
  totalB += b;
}
ratios.sort((x, y) => x - y);
const q = (f) => ratios[Math.min(ratios.length - 1, Math.floor(f * ratios.length))].toFixed(3);
console.log(
  `${format}, ${files.length} files, ${passes} passes: B/A median ${q(0.5)} (quartiles ${q(0.25)}–${q(0.75)}); ` +
    `mean pass A ${(totalA / passes).toFixed(1)} ms, B ${(totalB / passes).toFixed(1)} ms`,
);
