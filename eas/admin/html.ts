// HTML for the console (docs/admin.md §2): a tagged template that escapes every value it is
// given unless the value is itself Html, so a device id, user agent or subject a client chose
// can never become markup.

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup made elsewhere and known safe (an SVG this console drew). */
export function trusted(text: string): Html {
  return new Html(text);
}

/** A path segment of a console URL (addresses and DeviceIds may hold anything). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
