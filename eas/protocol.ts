// EAS protocol versions (MS-ASHTTP 2.2.1.1.2.3 MS-ASProtocolVersion) and their comparison: the
// one place that knows how versions order.

export type ProtocolVersion = '2.5' | '12.0' | '12.1' | '14.0' | '14.1' | '16.0' | '16.1';
/** 2.5 is Exchange 2003 SP2's version (Thunderbird's TbSync and older devices still speak it); 12.0 is Exchange 2007's version: the Remote Connectivity Analyzer speaks it (docs/clients.md rule 35). */
export const PROTOCOL_VERSIONS: readonly ProtocolVersion[] = ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'];

/** True when `v` is at least `min` ("14.1" >= "14.0"). */
export function atLeast(v: ProtocolVersion, min: ProtocolVersion): boolean {
  return Number(v) >= Number(min);
}
