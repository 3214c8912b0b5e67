// MS-ASCMD 2.2.1.19 SmartForward (ComposeMail namespace; Status 2.2.3.177.16).
// The sending logic is shared with the other compose commands: eas/compose/.

import { handleCompose } from '../compose/handle-compose.js';
import type { CommandSpec } from './types.js';

export const smartForward: CommandSpec = {
  name: 'SmartForward',
  handler: (ctx) => handleCompose(ctx, 'SmartForward'),
  needsProvisioning: true,
  // Below 14.0 the body is message/rfc822, not WBXML; handleCompose decodes WBXML itself.
  wbxmlBody: false,
};
