import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { SCHEMA_PATH } from '../config/load.js';

interface SchemaNode {
  type?: string;
  enum?: unknown[];
  description?: string;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  minimum?: number;
  exclusiveMinimum?: number;
}

/** The configuration schema (config/schema.yaml) as readable text: every key with its type and meaning. */
export function configHelp(): string {
  const schema = parseDocument(readFileSync(SCHEMA_PATH, 'utf8')).toJS() as SchemaNode & { title?: string };
  const lines = [`${schema.title ?? 'lapidary.yaml'}: ${schema.description ?? ''}`.trim(), ''];
  const walk = (node: SchemaNode, prefix: string, depth: number): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const kind = child.enum ? child.enum.map((v) => String(v)).join(' | ') : child.type ?? '';
      const limits = child.minimum !== undefined ? ` >= ${child.minimum}` : child.exclusiveMinimum !== undefined ? ` > ${child.exclusiveMinimum}` : '';
      const required = node.required?.includes(key) ? ' (required)' : '';
      lines.push(`${'  '.repeat(depth)}${prefix}${key}: ${kind}${limits}${required}`);
      if (child.description) lines.push(`${'  '.repeat(depth + 2)}${child.description.trim()}`);
      if (child.properties) walk(child, `${prefix}${key}.`, depth + 1);
    }
  };
  walk(schema, '', 0);
  return `${lines.join('\n')}\n`;
}
