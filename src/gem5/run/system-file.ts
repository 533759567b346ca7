/**
 * The user's system file (`--system FILE.py`, docs/systems.md): a Python module that
 * config/lapidary_gem5.py imports inside gem5 to build the detailed CPU, caches and memory.
 * Its `PARAMS = {...}` literal declares the parameters and their defaults; they are read here,
 * before gem5 runs, with Python's own parser (`ast.literal_eval` accepts exactly the literals
 * Python would evaluate), so that `--param`/`--sweep` keys and values are checked at once.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { SystemFileError } from '../../errors.js';

/** A parameter value as a system file declares it: a Python int or float (number), bool or str. */
export type SystemParamValue = number | boolean | string;

/** The Python type of a declared parameter, which `--param` values are converted to. */
export type SystemParamType = 'int' | 'float' | 'bool' | 'str';

export interface SystemParam {
  name: string;
  type: SystemParamType;
  default: SystemParamValue;
}

/** A system file read for a run. */
export interface SystemFile {
  /** Absolute path. */
  path: string;
  /** sha256 of its bytes: part of every run's identity, so an edited file makes new runs. */
  sha256: string;
  /** PARAMS in declaration order (empty if the file declares none). */
  params: SystemParam[];
}

/** Functions the interface requires at the top level of the file. */
const REQUIRED_FUNCTIONS = ['detailed_cpu'] as const;

/**
 * Prints `{"params": [[name, type, default], …], "functions": [...]}` or `{"error": "…"}`.
 * Only the module's top-level statements are looked at; nothing of the file is executed.
 */
const READ_PARAMS = String.raw`
import ast, json, math, sys
def out(value):
    print(json.dumps(value))
    sys.exit(0)
path = sys.argv[1]
try:
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
except SyntaxError as e:
    out({"error": f"line {e.lineno}: {e.msg} (Python syntax error)"})
node = None
for stmt in tree.body:
    if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PARAMS" for t in stmt.targets):
        node = stmt.value
    elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == "PARAMS":
        node = stmt.value
functions = [s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
params = {}
if node is not None:
    try:
        params = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        out({"error": f"line {node.lineno}: PARAMS is not a literal (write the defaults themselves, e.g. {{'rob': 192}})"})
    if not isinstance(params, dict):
        out({"error": f"line {node.lineno}: PARAMS is a {type(params).__name__}, not a dict"})
rows = []
for key, value in params.items():
    kind = type(value).__name__
    if not isinstance(key, str) or not key.isidentifier():
        out({"error": f"PARAMS key {key!r} is not a name (letters, digits, _)"})
    if kind not in ("int", "float", "bool", "str") or (kind == "float" and not math.isfinite(value)):
        out({"error": f"PARAMS[{key!r}] = {value!r}: defaults must be int, float, bool or str"})
    rows.append([key, kind, value])
out({"params": rows, "functions": functions})
`;

/**
 * Read a system file's declared parameters with the host's python3, without running the file.
 * @throws SystemFileError when the file cannot be read, is not valid Python, its PARAMS is not a
 *   literal dict of int/float/bool/str defaults, it lacks `detailed_cpu`, or python3 is missing.
 */
export async function readSystemFile(path: string): Promise<SystemFile> {
  const absolute = resolve(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(absolute);
  } catch (error) {
    throw new SystemFileError(`cannot read system file ${absolute}: ${(error as Error).message}`, {
      hint: 'give --system (or simulation.system in lapidary.yaml) the path of a Python file; examples are in config/systems/',
    });
  }
  const run = await execa('python3', ['-c', READ_PARAMS, absolute], { reject: false, stdin: 'ignore' });
  if (run.failed && run.stdout === '') {
    throw new SystemFileError(`cannot read the PARAMS of ${absolute} with python3: ${run.shortMessage}`, { hint: 'install python3 (lapidary reads PARAMS with its ast module before gem5 runs)' });
  }
  const answer = JSON.parse(run.stdout) as { error?: string; params?: Array<[string, SystemParamType, SystemParamValue]>; functions?: string[] };
  if (answer.error !== undefined) {
    throw new SystemFileError(`system file ${absolute}: ${answer.error}`, { hint: 'docs/systems.md describes the interface; config/systems/ holds examples' });
  }
  const missing = REQUIRED_FUNCTIONS.filter((name) => !answer.functions!.includes(name));
  if (missing.length > 0) {
    throw new SystemFileError(`system file ${absolute} defines no ${missing.map((m) => `${m}(params)`).join(', ')} function`, {
      hint: 'detailed_cpu(params) must return the gem5 CPU to switch to after the restore (docs/systems.md)',
    });
  }
  return {
    path: absolute,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    params: answer.params!.map(([name, type, value]) => ({ name, type, default: value })),
  };
}

const TRUE = new Set(['true', 'True', '1', 'yes', 'on']);
const FALSE = new Set(['false', 'False', '0', 'no', 'off']);

/**
 * Convert a command-line value to a declared parameter's type: int (decimal, optional sign),
 * float (any finite JavaScript number literal), bool (true/false, 1/0, yes/no, on/off), str
 * (the text as given, e.g. `1MiB`: gem5 parses sizes itself).
 * @throws SystemFileError naming the parameter, the value and the type wanted.
 */
export function convertParam(param: SystemParam, text: string, file: string): SystemParamValue {
  const wrong = (): never => {
    throw new SystemFileError(`${param.name}=${text}: ${param.name} is a ${param.type} in ${file} (default ${JSON.stringify(param.default)})`, {
      hint: param.type === 'bool' ? 'write true or false' : `write a ${param.type === 'int' ? 'whole number' : 'number'}`,
    });
  };
  switch (param.type) {
    case 'str':
      return text;
    case 'int':
      if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) return wrong();
      return Number(text);
    case 'float': {
      const value = text.trim() === '' ? NaN : Number(text);
      return Number.isFinite(value) ? value : wrong();
    }
    case 'bool':
      if (TRUE.has(text)) return true;
      if (FALSE.has(text)) return false;
      return wrong();
  }
}

/** Split `key=value` (the value may itself hold `=`). @throws SystemFileError without `=`. */
export function splitAssignment(text: string, option: string): [string, string] {
  const at = text.indexOf('=');
  if (at <= 0) throw new SystemFileError(`${option} ${text}: expected KEY=VALUE`, { hint: `e.g. ${option} l2_size=1MiB` });
  return [text.slice(0, at), text.slice(at + 1)];
}

/** The declared parameter `name`. @throws SystemFileError listing the known parameters. */
export function declaredParam(system: SystemFile, name: string, option: string): SystemParam {
  const param = system.params.find((p) => p.name === name);
  if (param === undefined) {
    const known = system.params.map((p) => `${p.name} (${p.type}, default ${JSON.stringify(p.default)})`);
    throw new SystemFileError(`${option} ${name}: ${system.path} declares no parameter ${JSON.stringify(name)}`, {
      hint: known.length > 0 ? `known parameters: ${known.join(', ')}` : 'the file declares no PARAMS',
    });
  }
  return param;
}

/**
 * `--param key=value` assignments (repeatable; a later one wins) as typed overrides of PARAMS.
 * @throws SystemFileError for a key the file does not declare or a value of the wrong type.
 */
export function parseParams(system: SystemFile, assignments: readonly string[]): Record<string, SystemParamValue> {
  const values: Record<string, SystemParamValue> = {};
  for (const assignment of assignments) {
    const [name, text] = splitAssignment(assignment, '--param');
    values[name] = convertParam(declaredParam(system, name, '--param'), text, system.path);
  }
  return values;
}
