import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
/** What a child Node process needs to run a GdbSession: src/errors.ts, src/mi, src/gdb. */
const PARTS = ['errors.ts', 'mi', 'gdb'];

/**
 * Transpile the gdb layer to plain ESM JavaScript in a temp dir, for tests that run it in a child
 * Node process (Node 20 cannot run TypeScript). No type check: `tsc --noEmit` does that.
 * Returns the dir (holding `src/…/*.js` and a `package.json` with `"type": "module"`).
 */
export function compileGdbLibrary(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lapidary-gdb-lib-'));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const file of PARTS.flatMap((part) => listTs(join(SRC, part)))) {
    const output = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = join(dir, 'src', relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function listTs(path: string): string[] {
  if (path.endsWith('.ts')) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => listTs(join(path, entry.name)))
    .filter((file) => file.endsWith('.ts'));
}
