// MS-ASHTTP 2.2.4 OPTIONS response: the versions (ascending: Android takes the highest it
// knows) and exactly the commands of the table. X-AspNet-Version is not in the spec but Nine
// only moves up to 16.1 when it is present (docs/clients.md rule 3).

import { ADVERTISED_VERSIONS } from './version.js';

export function optionsHeaders(commandNames: readonly string[]): Record<string, string> {
  return {
    Allow: 'OPTIONS,POST',
    Public: 'OPTIONS,POST',
    'MS-ASProtocolVersions': ADVERTISED_VERSIONS,
    'MS-ASProtocolCommands': commandNames.join(','),
    'X-AspNet-Version': '4.0.30319',
  };
}
