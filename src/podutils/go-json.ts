// The pod utilities' files as Go's encoding/json writes them: upstream marshals structs (testgrid's
// metadata.Started/Finished, clone.Record) whose key order and omitempty rules our writers reproduce by
// building objects in struct order; this adds what Go does to every value: map keys sorted at any depth,
// and `<`, `>`, `&`, U+2028 and U+2029 escaped inside strings.

/** Go json.Marshal of an object already in struct order (compact). */
export function marshalGo(value: unknown): string {
  return escapeGo(JSON.stringify(value));
}

/** Go json.MarshalIndent(value, "", indent). */
export function marshalGoIndent(value: unknown, indent: string): string {
  return escapeGo(JSON.stringify(value, null, indent));
}

/**
 * A decoded JSON value (Go's map[string]interface{}) with object keys sorted, as Go writes maps.
 * Used for free-form metadata, whose keys have no struct order.
 */
export function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = sortedKeys((value as Record<string, unknown>)[k]);
  return out;
}

// In JSON text these characters can only occur inside strings (keys or values), so a global replace
// escapes exactly what Go's encoder escapes.
function escapeGo(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
