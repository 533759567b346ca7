/**
 * A deterministic text corpus for the catalog's workloads: English-like lines of words drawn
 * from a fixed vocabulary with a Zipf-like skew, from a fixed xorshift64 seed. The same size
 * always gives the same bytes, on every machine, so native and gem5 outputs can be compared.
 */
const VOCABULARY = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were ' +
  'her she there been one all we their has would when if so no will what can out more its about into them than only other ' +
  'time could some these two may then first any new like very our over such after most made also did many before must ' +
  'through years where much your way well down should because each just those people how too little state good very make ' +
  'world still own see men work long get here between both life being under never day same another know while last might ' +
  'us great old year off come since against go came right used take three processor cache memory branch pipeline checkpoint ' +
  'simulation instruction register vector kernel sample warmup detailed region cycle latency bandwidth prefetch'
).split(' ');

/** `bytes` of corpus text (UTF-8, ASCII only), ending with a newline. */
export function corpus(bytes: number): string {
  let state = 0x9e3779b97f4a7c15n;
  const next = (): number => {
    state ^= (state << 13n) & 0xffffffffffffffffn;
    state ^= state >> 7n;
    state ^= (state << 17n) & 0xffffffffffffffffn;
    return Number(state & 0xffffffn) / 0x1000000;
  };
  const lines: string[] = [];
  let size = 0;
  while (size < bytes) {
    const words = 6 + Math.floor(next() * 10);
    const line: string[] = [];
    for (let w = 0; w < words; w++) line.push(VOCABULARY[Math.floor(VOCABULARY.length * next() ** 2.2)]!);
    const text = `${line.join(' ')}${next() < 0.1 ? '.' : ''}`;
    lines.push(text);
    size += text.length + 1;
  }
  return `${lines.join('\n')}\n`.slice(0, bytes - 1) + '\n';
}
