// A directory query as Search and Find build it, and the addresses of an answer: for the
// directory tests on every store and on PostgreSQL alone.
export const q = (text: string, domain: string | null = null, offset = 0, limit = 10) => ({ text, domain, offset, limit });
export const emails = (r: { entries: { address: string }[] }) => r.entries.map((e) => e.address);
