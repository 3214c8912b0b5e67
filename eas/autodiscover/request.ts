// MS-ASCMD 2.2.1.1 Autodiscover request: <Autodiscover><Request><EMailAddress/>
// <AcceptableResponseSchema/></Request></Autodiscover> in the mobilesync request namespace
// (6.3). The document is tiny and fixed, so it is read with a few anchored patterns on a
// size-bounded body rather than a general XML parser: any namespace prefix is accepted, no
// DTD or entity definition is (nothing is ever expanded but the five predefined entities and
// character references).

/** MS-ASCMD 2.2.3.1: the one response schema a mobilesync provider answers in. */
export const MOBILESYNC_RESPONSE_SCHEMA = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';

export type AutodiscoverRequest =
  | { ok: true; emailAddress: string; schema: string }
  /** ErrorCode 600 (invalid request) or 601 (no provider for the schema), MS-ASCMD 2.2.3.64. */
  | { ok: false; errorCode: 600 | 601; reason: string };

const NAME = '(?:[A-Za-z_][\\w.-]*:)?';

function elements(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${NAME}${name}(?:\\s[^>]*)?>([^<]*)</${NAME}${name}\\s*>`, 'g');
  return [...xml.matchAll(pattern)].map((m) => decodeText(m[1] ?? ''));
}

function count(xml: string, name: string): number {
  return [...xml.matchAll(new RegExp(`<${NAME}${name}(?:\\s[^>]*)?/?>`, 'g'))].length;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(text: string): string {
  return text
    .replace(/&(?:#x([0-9a-f]{1,6})|#(\d{1,7})|(amp|lt|gt|quot|apos));/gi, (whole, hex?: string, dec?: string, named?: string) => {
      if (named) return ENTITIES[named.toLowerCase()] ?? whole;
      const code = hex ? parseInt(hex, 16) : Number(dec);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .trim();
}

function invalid(reason: string): AutodiscoverRequest {
  return { ok: false, errorCode: 600, reason };
}

export function parseAutodiscoverRequest(body: Buffer): AutodiscoverRequest {
  const xml = body.toString('utf8').replace(/^\uFEFF/, '');
  if (xml.trim() === '') return invalid('empty request');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return invalid('DTDs are not accepted');
  if (count(xml, 'Autodiscover') !== 1) return invalid('no Autodiscover element');
  // MS-ASCMD 2.2.3.150.1: more than one Request is ErrorCode 600.
  const requests = count(xml, 'Request');
  if (requests !== 1) return invalid(requests === 0 ? 'no Request element' : 'more than one Request element');
  const addresses = elements(xml, 'EMailAddress');
  if (addresses.length !== 1 || !addresses[0]) return invalid('no EMailAddress');
  const schemas = elements(xml, 'AcceptableResponseSchema');
  if (schemas.length !== 1 || !schemas[0]) return invalid('no AcceptableResponseSchema');
  const schema = schemas[0];
  if (schema !== MOBILESYNC_RESPONSE_SCHEMA) return { ok: false, errorCode: 601, reason: `no provider for schema ${schema.slice(0, 200)}` };
  return { ok: true, emailAddress: addresses[0], schema };
}
