/**
 * Minimal helpers for writing SVG as text: escaping, attributes, coordinates.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escape text for XML character data and attribute values (&, <, >, ", '). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A coordinate or length rounded to 0.01 px, without trailing zeros. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** One element: `<name a="v" …/>` or `<name …>children</name>`; undefined attributes are left out. */
export function element(
  name: string,
  attributes: Record<string, string | number | undefined>,
  children?: string,
): string {
  const attrs = Object.entries(attributes)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(typeof v === 'number' ? px(v) : v!)}"`)
    .join('');
  return children === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${children}</${name}>`;
}
