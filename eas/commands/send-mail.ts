// MS-ASCMD 2.2.1.17 SendMail (ComposeMail namespace; Status 2.2.3.177.14).
// The sending logic is shared with the other compose commands: eas/compose/.

import { handleCompose } from '../compose/handle-compose.js';
import type { CommandSpec } from './types.js';

export const sendMail: CommandSpec = {
  name: 'SendMail',
  handler: (ctx) => handleCompose(ctx, 'SendMail'),
  needsProvisioning: true,
  // Below 14.0 the body is message/rfc822, not WBXML; handleCompose decodes WBXML itself.
  wbxmlBody: false,
};
