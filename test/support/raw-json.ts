// Reads a JSON log line as written, before JSON.parse (which keeps the last of two equal keys and so
// hides a line that carries one twice).

/** Every key that appears more than once in the same object, at any depth, as `path.key`. */
export function duplicateKeys(line: string): string[] {
  let i = 0;
  const dups: string[] = [];
  const ws = (): void => {
    while (i < line.length && ' \t\r\n'.includes(line[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`not JSON at ${i} (${what}): ${line.slice(Math.max(0, i - 20), i + 20)}`);
  };
  const string = (): string => {
    const start = i;
    i++; // opening quote
    while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
    if (line[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(line.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = line[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (line[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (line[i] !== '"') fail('key');
        const key = string();
        if (seen.has(key)) dups.push(path ? `${path}.${key}` : key);
        seen.add(key);
        ws();
        if (line[i++] !== ':') fail('colon');
        value(path ? `${path}.${key}` : key);
        ws();
        const sep = line[i++];
        if (sep === '}') return;
        if (sep !== ',') fail('object separator');
      }
    } else if (c === '[') {
      i++;
      ws();
      if (line[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        const sep = line[i++];
        if (sep === ']') return;
        if (sep !== ',') fail('array separator');
      }
    } else if (c === '"') {
      string();
    } else {
      const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(line.slice(i));
      if (!m) fail('value');
      i += m![0].length;
    }
  };
  value('');
  ws();
  if (i !== line.length) fail('trailing text');
  return dups;
}
