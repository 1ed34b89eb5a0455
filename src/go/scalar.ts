// How sigs.k8s.io/yaml turns a YAML int, float or bool into a string when the Go target is a string
// (a label value `preset-x: yes`, a map key `1.10:`): ints in decimal, bools as true/false, floats with
// strconv.FormatFloat(v, 'g', -1, 32), i.e. the shortest float32 digits ("1.10" → "1.1", 1e6 → "1e+06").

const INT_SYNTAX = /^[-+]?(?:0b[0-1_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)$/;

/** Go's strconv.FormatFloat(v, 'g', -1, 32). */
export function formatFloat32(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  const f = Math.fround(v);
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // Shortest digits that read back as the same float32.
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(f)) {
      const [mant, e] = s.split('e') as [string, string];
      digits = mant.replace('.', '').replace(/0+$/, '') || '0';
      exp = Number(e);
      break;
    }
  }
  const sign = f < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** The string Go code sees for a YAML scalar resolved to `value` from source text `text`. */
export function goScalarString(value: string | number | boolean | null, text: string): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (INT_SYNTAX.test(text) && Number.isInteger(value)) return String(value);
  return formatFloat32(value);
}
