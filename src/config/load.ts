import { readFileSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { ConfigError } from '../errors.js';

/** config/schema.yaml: the JSON Schema (draft-07) lapidary.yaml is validated against. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../config/schema.yaml', import.meta.url));
export const CONFIG_FILE = 'lapidary.yaml';

/** A validated lapidary.yaml (see config/schema.yaml for every field's meaning). */
export interface LapidaryConfig {
  /** The file it came from; undefined when none was found (all defaults). */
  file?: string;
  gem5_path?: string;
  gem5_version?: string;
  simulation?: { cpu?: 'atomic' | 'timing' | 'minor' | 'o3'; caches?: string; system?: string; warmup_insts?: number; detail_insts?: number; jobs?: number; timeout?: number };
  spec2017?: { install_path: string; workspace?: string; size?: string; label?: string; tune?: 'base' | 'peak' };
}

/** The first lapidary.yaml in `cwd` or one of its parents, if any. */
export async function findConfigFile(cwd: string): Promise<string | undefined> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, CONFIG_FILE);
    if (await access(candidate).then(() => true, () => false)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(): ReturnType<Ajv['compile']> {
  validator ??= new Ajv({ allErrors: true, strict: true }).compile(parseDocument(readFileSync(SCHEMA_PATH, 'utf8')).toJS());
  return validator;
}

/** The YAML node at a JSON pointer like `/simulation/jobs`, for its line number. */
function nodeAt(root: Node | null, pointer: string): Node | null {
  let node = root;
  for (const part of pointer.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    if (isMap(node)) node = (node.get(part, true) as Node | undefined) ?? null;
    else if (isSeq(node)) node = (node.get(Number(part), true) as Node | undefined) ?? null;
    else return node;
  }
  return node;
}

/** What the schema wanted, in words, for one ajv error. */
function expectation(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type': return `a value of type ${String(params.type)}`;
    case 'enum': return `one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minimum': return `a number >= ${String(params.limit)}`;
    case 'exclusiveMinimum': return `a number > ${String(params.limit)}`;
    case 'required': return `the key ${String(params.missingProperty)}`;
    default: return error.message ?? error.keyword;
  }
}

/**
 * Load and validate lapidary.yaml: `path` if given, else the first one found upward from `cwd`,
 * else an empty configuration. Relative paths in it are made absolute against its directory.
 * @throws ConfigError naming the file, line, field, what was found and what is expected.
 */
export async function loadConfig(path: string | undefined, cwd: string): Promise<LapidaryConfig> {
  const file = path ?? (await findConfigFile(cwd));
  if (file === undefined) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${file}: ${(error as Error).message}`, { hint: 'give -c the path of an existing lapidary.yaml, or write one with lapidary config init' });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError !== undefined) {
    const { line, col } = lineCounter.linePos(yamlError.pos[0]);
    throw new ConfigError(`${file}:${line}:${col}: not valid YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const data = (doc.toJS() ?? {}) as Record<string, unknown>;
  const check = validate();
  if (!check(data)) {
    const error = check.errors![0]!;
    const unknown = error.keyword === 'additionalProperties' ? (error.params as { additionalProperty: string }).additionalProperty : undefined;
    const pointer = unknown === undefined ? error.instancePath : `${error.instancePath}/${unknown}`;
    const node = nodeAt(doc.contents, pointer);
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    const field = pointer === '' ? '(top level)' : pointer.slice(1).replace(/\//g, '.');
    const problem = unknown !== undefined
      ? 'unknown key'
      : error.keyword === 'required'
        ? `missing ${expectation(error)}`
        : `found ${JSON.stringify(nodeValue(data, error.instancePath))}, expected ${expectation(error)}`;
    throw new ConfigError(`${file}:${line}: ${field}: ${problem}`, { hint: 'lapidary --config-help prints every key with its meaning' });
  }
  const config = data as LapidaryConfig;
  config.file = file;
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(dirname(file), path));
  if (config.gem5_path !== undefined) config.gem5_path = absolute(config.gem5_path);
  if (config.simulation?.system !== undefined) config.simulation.system = absolute(config.simulation.system);
  if (config.spec2017 !== undefined) {
    config.spec2017.install_path = absolute(config.spec2017.install_path);
    if (config.spec2017.workspace !== undefined) config.spec2017.workspace = absolute(config.spec2017.workspace);
  }
  return config;
}

function nodeValue(data: unknown, pointer: string): unknown {
  let value = data;
  for (const part of pointer.split('/').slice(1)) value = (value as Record<string, unknown> | undefined)?.[part];
  return value;
}
