import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { CONFIG_FILE, findConfigFile } from '../../config/load.js';
import { ConfigError } from '../../errors.js';

/**
 * Set `gem5_path` in lapidary.yaml: in `configFile` if given, else the first lapidary.yaml found
 * upward from `cwd`, else a new one in `cwd`. Comments and other keys are kept; the file is
 * replaced by rename, so a crash leaves the old file or the new one.
 * @returns the file written.
 * @throws ConfigError when the existing file is not YAML.
 */
export async function recordGem5Path(gem5: string, configFile: string | undefined, cwd: string): Promise<string> {
  const file = configFile ?? (await findConfigFile(cwd)) ?? join(cwd, CONFIG_FILE);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw new ConfigError(`cannot read ${file}: ${error.message}`);
  });
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new ConfigError(`${file} is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, { hint: 'fix it, or set gem5_path there by hand' });
  doc.set('gem5_path', gem5);
  const temporary = `${file}.lapidary-tmp`;
  await writeFile(temporary, String(doc));
  await rename(temporary, file);
  return file;
}
