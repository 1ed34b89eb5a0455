// Markdown handling before command matching (upstream pkg/markdown; docs/plugins-misc.md). Only trigger drops
// fenced code blocks and only label drops HTML comments; every other plugin relies on its patterns being
// anchored at the start of a line, which is why `> /hold` does not match.
import RE2 from 're2';

// A fence opens at the start of a line and closes at the first later line that is only the fence
// (ungreedy), as upstream pkg/markdown DropCodeBlock.
const codeBlockRe = new RE2('(?msU)^```.*(\\n```\\n|\\n```$)|(?msU)^~~~.*(\\n~~~\\n|\\n~~~$)', 'g');
const htmlCommentRe = new RE2('(?s)<!--(.*?)-->', 'g');

/** Removes fenced code blocks (``` or ~~~ at the start of a line) so commands inside them are not seen. */
export function dropCodeBlocks(text: string): string {
  return text.replace(codeBlockRe, '');
}

/** Removes HTML comments `<!-- ... -->` (PR templates keep their hints in them). */
export function dropHtmlComments(text: string): string {
  return text.replace(htmlCommentRe, '');
}

type Re = InstanceType<typeof RE2>;

/**
 * Every match of `re` (which must carry the `g` flag) in `text`, like Go's FindAllStringSubmatch.
 * Resets lastIndex first, so a module-level pattern can be shared.
 */
export function findAllMatches(re: Re, text: string): RegExpExecArray[] {
  if (!re.global) throw new Error(`findAllMatches: pattern ${re.source} needs the g flag`);
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++; // an empty match must not loop forever
  }
  re.lastIndex = 0;
  return out;
}
