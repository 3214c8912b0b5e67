// One entry of a file (a VEVENT with its time zones, a VCARD) through ical.js, with every
// property value decoded at once: ical.js decodes values lazily, so a bad EXDATE would otherwise
// surface half-way through the mapping. Whatever fails is an EntryError naming the property.

import ICAL from 'ical.js';

/** An entry the importer refuses; the message says why (the caller adds where). */
export class EntryError extends Error {
  override name = 'EntryError';
}

function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

/**
 * Decodes every property value of the component and its subcomponents, except those of the
 * subcomponents named `except` (a caller that checks them itself, e.g. only the VTIMEZONEs it has
 * not seen before). Throws EntryError.
 */
export function checkValues(component: ICAL.Component, except?: string): void {
  for (const prop of component.getAllProperties()) {
    try {
      prop.getValues();
    } catch (err) {
      throw new EntryError(`${prop.name.toUpperCase()}: invalid value (${reason(err)})`);
    }
  }
  for (const sub of component.getAllSubcomponents()) if (sub.name !== except) checkValues(sub, except);
}

/** Parses text that holds exactly one top-level component, every value checked. */
export function parseComponent(text: string): ICAL.Component {
  const component = parseUnchecked(text);
  checkValues(component);
  return component;
}

/** parseComponent without checkValues: the caller checks what it uses. */
export function parseUnchecked(text: string): ICAL.Component {
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (err) {
    throw new EntryError(reason(err));
  }
  if (!Array.isArray(jcal) || typeof jcal[0] !== 'string') throw new EntryError('not one component');
  return new ICAL.Component(jcal as unknown[]);
}

/** The lines as one text with CRLF line ends, as ical.js and RFC 5545 want them. */
export function joinLines(lines: readonly string[]): string {
  return lines.join('\r\n') + '\r\n';
}
