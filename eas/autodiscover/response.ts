// MS-ASCMD 2.2.1.1 Autodiscover responses, as XML text (Autodiscover is the one command that
// is not WBXML). Three shapes:
//  - settings (4.2.4): User + Action/Settings/Server{Type MobileSync, Url, Name};
//  - a provider error (4.2.2): Action/Error with Status 2 in the mobilesync response;
//  - a framework error (ErrorCode 600/601, 2.2.3.64) in the outer response namespace, as
//    Exchange sends it (6.4).

import { createHash } from 'node:crypto';

const OUTER_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
const MOBILESYNC_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';
const CULTURE = 'en:us';

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

function document(response: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<Autodiscover xmlns="${OUTER_NS}">\n${response}</Autodiscover>\n`;
}

export interface SettingsAnswer {
  displayName: string;
  emailAddress: string;
  /** Full URL of the EAS endpoint the phone should use. */
  url: string;
}

export function settingsResponse(answer: SettingsAnswer): string {
  const url = escapeXml(answer.url);
  return document(
    `  <Response xmlns="${MOBILESYNC_NS}">\n` +
      `    <Culture>${CULTURE}</Culture>\n` +
      `    <User>\n` +
      `      <DisplayName>${escapeXml(answer.displayName)}</DisplayName>\n` +
      `      <EMailAddress>${escapeXml(answer.emailAddress)}</EMailAddress>\n` +
      `    </User>\n` +
      `    <Action>\n` +
      `      <Settings>\n` +
      `        <Server>\n` +
      `          <Type>MobileSync</Type>\n` +
      `          <Url>${url}</Url>\n` +
      `          <Name>${url}</Name>\n` +
      `        </Server>\n` +
      `      </Settings>\n` +
      `    </Action>\n` +
      `  </Response>\n`,
  );
}

/** MS-ASCMD 2.2.3.177.1: Status 2, protocol error (the only error status Autodiscover has). */
export function providerErrorResponse(emailAddress: string, message: string, debugData: string): string {
  return document(
    `  <Response xmlns="${MOBILESYNC_NS}">\n` +
      `    <Culture>${CULTURE}</Culture>\n` +
      `    <User>\n` +
      `      <EMailAddress>${escapeXml(emailAddress)}</EMailAddress>\n` +
      `    </User>\n` +
      `    <Action>\n` +
      `      <Error>\n` +
      `        <Status>2</Status>\n` +
      `        <Message>${escapeXml(message)}</Message>\n` +
      `        <DebugData>${escapeXml(debugData)}</DebugData>\n` +
      `      </Error>\n` +
      `    </Action>\n` +
      `  </Response>\n`,
  );
}

const FRAMEWORK_MESSAGES: Record<600 | 601, string> = {
  600: 'Invalid Request',
  601: 'Provider is not available',
};

/** "16:56:32.6164027": the Error Time attribute's form (time of day, 7 fraction digits). */
function timeOfDay(now: Date): string {
  return `${now.toISOString().slice(11, 23)}0000`;
}

/** The Id attribute: Exchange puts a hash of the server's name there. */
function serverId(serverName: string): string {
  return String(createHash('sha256').update(serverName).digest().readUInt32BE(0));
}

export function frameworkErrorResponse(errorCode: 600 | 601, serverName: string, now = new Date()): string {
  return document(
    `  <Response>\n` +
      `    <Error Time="${timeOfDay(now)}" Id="${serverId(serverName)}">\n` +
      `      <ErrorCode>${errorCode}</ErrorCode>\n` +
      `      <Message>${FRAMEWORK_MESSAGES[errorCode]}</Message>\n` +
      `      <DebugData />\n` +
      `    </Error>\n` +
      `  </Response>\n`,
  );
}
