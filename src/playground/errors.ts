/**
 * The field a server refusal names: "Expected … for layers[0].opacity but received 5",
 * or "Unknown field "layers[0].x": …". Undefined when it names none.
 */
export function fieldOfError(message: string): string | undefined {
  const path = String.raw`[A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*`;
  const named = new RegExp(String.raw`\bfor (${path}) (?:but|is|must)\b`).exec(message) ?? new RegExp(String.raw`^Unknown field "(${path})"`).exec(message);
  return named?.[1];
}

/** A field's path split into its layer, if any, and the field inside it: layers[1].displacement.blur → { layer: 1, field: 'displacement.blur' }. */
export function splitField(field: string): { readonly layer: number | undefined; readonly field: string } {
  const match = /^layers\[(\d+)\](?:\.(.+))?$/.exec(field);
  if (!match) return { layer: undefined, field };
  return { layer: Number(match[1]), field: match[2] ?? 'image' };
}
