// Folders whose type no item class serves (Journal, RecipientInfoCache, …): they sync as empty
// folders and refuse what a client puts in them (Status 6), as they did before classes existed.

import { parseItemOptions } from '../model/options.js';
import { SyncStatus } from '../sync/status.js';
import type { ItemClass } from './types.js';

export function createUnclassed(): ItemClass {
  const refuse = (): never => {
    throw new Error('an item in a folder no class serves');
  };
  return {
    name: 'Unknown',
    folderTypes: [],
    minVersion: '2.5',
    searchable: false,
    parseOptions: (blocks, version) => parseItemOptions(blocks, version, 'Unknown'),
    windowSince: () => null,
    render: refuse,
    renderChange: refuse,
    add: async () => ({ status: SyncStatus.ConversionError, serverId: null }),
    change: async () => SyncStatus.ConversionError,
  };
}
