// What every payload on the bus (notify.ts: commits; presence.ts: parked devices) is read with:
// a JSON object, and ids that are positive safe integers. Anything else is a payload this
// version does not understand, which each reader answers in its own way.

export const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x > 0;

/** A payload's JSON object, or null when the text is not one. */
export function payloadObject(text: string): Record<string, unknown> | null {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof p === 'object' && p !== null ? (p as Record<string, unknown>) : null;
}
