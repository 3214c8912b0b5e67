// How a 16.x Sync command about ONE occurrence reaches the Calendar class. MS-ASAIRS 2.2.2.25:
// a client changes or deletes a single instance of a series with airsyncbase:InstanceId beside
// the ServerId of its airsync:Change or airsync:Delete (MS-ASCAL 2.2.2.22: never with
// Exceptions). The ItemClass contract has one way in for both, `change(ctx, item, appData)`:
// these build the ApplicationData it takes, the InstanceId as its first child.

import { el, type WbxmlElement } from '../../wbxml/tree.js';

/** A Change with InstanceId: the occurrence's new properties. */
export function instanceChangeData(instanceId: string, appData: WbxmlElement | null): WbxmlElement {
  return el('AirSync:ApplicationData', [el('AirSyncBase:InstanceId', instanceId), ...(appData?.children ?? [])]);
}

/** A Delete with InstanceId: the occurrence becomes a Deleted exception (MS-ASCAL 2.2.2.16). */
export function instanceDeleteData(instanceId: string): WbxmlElement {
  return el('AirSync:ApplicationData', [el('AirSyncBase:InstanceId', instanceId), el('Calendar:Deleted', 1)]);
}
