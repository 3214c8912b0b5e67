// MS-ASDTYPE 2.7.2 Compact DateTime ("20240611T030000Z", Calendar StartTime and friends) and
// 2.3 dateTime ("2024-06-11T03:00:00.000Z", AirSyncBase:InstanceId, Contacts:Birthday).

export function compactTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function isoTime(at: Date): string {
  return at.toISOString();
}

/** Either form → Date; null for anything else. */
export function parseEasTime(text: string | undefined): Date | null {
  if (!text) return null;
  const s = text.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (compact) {
    const [y, mo, d, h, mi, se] = compact.slice(1).map(Number) as [number, number, number, number, number, number];
    return new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) ? null : new Date(t);
}
