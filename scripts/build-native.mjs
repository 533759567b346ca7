// Compiles lapidary's native helpers (src/native/*.c) into dist/native/ with the system C compiler.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'native');
mkdirSync(out, { recursive: true });
const cc = process.env.CC ?? 'cc';
for (const [source, binary] of [['launcher.c', 'lapidary-exec']]) {
  execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-Werror', '-o', join(out, binary), join(root, 'src', 'native', source)], {
    stdio: 'inherit',
  });
}
