// The command table (MS-ASCMD 2.2.1): wire Cmd name → CommandSpec, as data. The HTTP layer
// dispatches through it and OPTIONS advertises exactly these names. It is built per app by
// createCommands() (called from createEasApp), so a command that keeps state (Sync's request
// cache) keeps it for that app only: no process-wide instance.
// To add a command: one import line and one table line, nothing else. The protocol versions a
// command exists in travel with its entry (`versions`, from MS-ASCMD 2.2.1.x), so the HTTP layer
// decides in one place; OPTIONS still lists every command here (docs/clients.md rules 1, 45).

import type { CommandSpec } from './types.js';
import { provision } from './provision.js';
import { settings } from './settings.js';
import { folderSync } from './folder-sync.js';
import { folderCreate } from './folder-create.js';
import { folderUpdate } from './folder-update.js';
import { folderDelete } from './folder-delete.js';
import { itemOperations } from './item-operations.js';
import { sendMail } from './send-mail.js';
import { smartReply } from './smart-reply.js';
import { smartForward } from './smart-forward.js';
import { search } from './search.js';
import { createFindCommand } from './find.js';
import { resolveRecipients } from './resolve-recipients.js';
import { ping } from './ping.js';
import { createSyncCommand } from './sync.js';
import { getItemEstimate } from './get-item-estimate.js';
import { moveItems } from './move-items.js';
import { getAttachment } from './get-attachment.js';
import { meetingResponse } from './meeting-response.js';

/** A fresh command table; stateful commands get their own state. */
export function createCommands(): Readonly<Record<string, CommandSpec>> {
  return {
    Provision: provision,
    Settings: settings,
    FolderSync: folderSync,
    FolderCreate: folderCreate,
    FolderUpdate: folderUpdate,
    FolderDelete: folderDelete,
    ItemOperations: itemOperations,
    SendMail: sendMail,
    SmartReply: smartReply,
    SmartForward: smartForward,
    Search: search,
    Find: createFindCommand(),
    ResolveRecipients: resolveRecipients,
    Ping: ping,
    Sync: createSyncCommand(),
    GetItemEstimate: getItemEstimate,
    MoveItems: moveItems,
    GetAttachment: getAttachment,
    MeetingResponse: meetingResponse,
  };
}
