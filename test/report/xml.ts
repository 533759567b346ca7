/**
 * A strict little XML reader for tests: throws on anything not well-formed (bad nesting, unquoted
 * or duplicate attributes, stray `<` or `&`, text outside the root) and returns the element tree.
 * Enough for the SVG lapidary writes (no DOCTYPE, CDATA or processing instructions).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w:.-]*';
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
const decode = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);

export function parseXml(source: string): XmlElement {
  const token = new RegExp(`<!--[\\s\\S]*?-->|<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>|([^<]+)|(<)`, 'g');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const m of source.matchAll(token)) {
    const [whole, close, name, attrText, selfClose, text, stray] = m;
    if (whole.startsWith('<!--')) continue;
    if (stray !== undefined) throw new Error(`stray '<' at ${m.index}: ${source.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (ENTITY.test(text)) throw new Error(`bad '&' in text at ${m.index}`);
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 40)}`);
        continue;
      }
      stack[stack.length - 1]!.text += decode(text);
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at ${m.index}`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (attrText ?? '').matchAll(new RegExp(`(${NAME})="([^"<]*)"`, 'g'))) {
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      if (ENTITY.test(a[2]!)) throw new Error(`bad '&' in attribute ${a[1]} of <${name}>`);
      attrs[a[1]!] = decode(a[2]!);
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el);
    else if (root !== undefined) throw new Error('more than one root element');
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (root === undefined) throw new Error('no root element');
  return root;
}

/** All elements below (and including) `el`, depth first. */
export function descendants(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(descendants)];
}
