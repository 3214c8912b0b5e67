// An event's place in its two forms: Calendar:Location, a string (MS-ASCAL 2.2.2.27, protocol
// versions up to 14.1), and AirSyncBase:Location, a container (MS-ASAIRS 2.2.2.28, 16.0 and
// 16.1: DisplayName, Annotation, Street, City, State, Country, PostalCode, Latitude,
// Longitude, Accuracy, Altitude, AltitudeAccuracy, LocationUri). The container says more, so it
// is what is stored; an older client sees its DisplayName.

import { atLeast, type ProtocolVersion } from '../../protocol.js';
import { findNode, textOfNode, type PropNode } from '../doc/nodes.js';

export const CAL_LOCATION = 'Calendar:Location';
export const BASE_LOCATION = 'AirSyncBase:Location';
const DISPLAY_NAME = 'AirSyncBase:DisplayName';

/**
 * A client's Location (either form) → the stored container. A Calendar:Location naming the place
 * already stored keeps the stored container whole (street, coordinates…): the older client only
 * saw the name and did not change it; another name is another place, with only its name known.
 */
export function locationFromClient(sent: PropNode, stored: PropNode | undefined): PropNode {
  if (sent.tag === BASE_LOCATION) return sent.children ? sent : { tag: BASE_LOCATION, children: [] };
  const name = sent.text ?? '';
  if (stored?.tag === BASE_LOCATION && (textOfNode(stored.children, DISPLAY_NAME) ?? '') === name) return stored;
  return { tag: BASE_LOCATION, children: [{ tag: DISPLAY_NAME, text: name }] };
}

/** The stored container as this version's Location. */
export function locationToClient(stored: PropNode, version: ProtocolVersion): PropNode {
  if (atLeast(version, '16.0')) return stored;
  return { tag: CAL_LOCATION, text: textOfNode(stored.children, DISPLAY_NAME) ?? '' };
}

/** The stored container's DisplayName (exports, meeting mail), or undefined. */
export function locationName(props: readonly PropNode[]): string | undefined {
  const loc = findNode(props, BASE_LOCATION);
  return loc ? textOfNode(loc.children, DISPLAY_NAME) : undefined;
}
