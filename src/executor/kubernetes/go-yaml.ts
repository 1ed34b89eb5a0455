// YAML as sigs.k8s.io/yaml writes a Kubernetes object (what upstream's mkpod prints): the object goes
// through JSON, so map keys are sorted; block style, sequences not indented under their key; a string
// that YAML 1.1 would read as something else (true, on, 0, 1.5, ~, "") is double-quoted, a string that
// cannot be plain is single-quoted, a multi-line string is a literal block; no line folding.
import { Document, Scalar, visit } from 'yaml';

const boolOrNullRe = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL|<<)$/;
const intRe = /^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0[0-7_]*|[1-9][0-9_]*(:[0-5]?[0-9])*)$/;
const floatRe = /^([-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const timestampRe = /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$/;

/** go-yaml's resolve(): would this plain scalar read back as anything but a string? */
function readsAsNonString(s: string): boolean {
  return s === '' || boolOrNullRe.test(s) || intRe.test(s) || floatRe.test(s) || timestampRe.test(s);
}

export function goYamlStringify(value: unknown): string {
  const doc = new Document(value, { sortMapEntries: true });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      if (node.value.includes('\n')) node.type = Scalar.BLOCK_LITERAL;
      else if (readsAsNonString(node.value)) node.type = Scalar.QUOTE_DOUBLE;
      else node.type = Scalar.PLAIN;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0, indentSeq: false, singleQuote: true, nullStr: 'null' });
}
