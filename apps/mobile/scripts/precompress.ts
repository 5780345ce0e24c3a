// Writes `file.br` and `file.gz` next to every text asset of the web build, once,
// at build time: the server then sends the smallest one the browser accepts
// without compressing anything per request. Usage: node scripts/precompress.ts dist
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const COMPRESSIBLE = /\.(js|mjs|css|html|json|map|svg|txt|ttf|otf|wasm|webmanifest|ico)$/;
const MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield full;
  }
}

/** Compresses every text asset under `dir`; returns the bytes before and after (brotli). */
export async function precompress(dir: string): Promise<{ files: number; bytes: number; brotliBytes: number; gzipBytes: number }> {
  const totals = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  for await (const file of files(dir)) {
    if ((await stat(file)).size < MIN_BYTES) continue;
    const data = await readFile(file);
    const [br, gzipped] = await Promise.all([
      brotli(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
      gz(data, { level: 9 }),
    ]);
    await Promise.all([writeFile(`${file}.br`, br), writeFile(`${file}.gz`, gzipped)]);
    totals.files += 1;
    totals.bytes += data.length;
    totals.brotliBytes += br.length;
    totals.gzipBytes += gzipped.length;
  }
  return totals;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(process.argv[2] ?? 'dist');
  const totals = await precompress(dir);
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  console.log(`precompressed ${totals.files} files: ${kb(totals.bytes)} -> brotli ${kb(totals.brotliBytes)}, gzip ${kb(totals.gzipBytes)}`);
}
