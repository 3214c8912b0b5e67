// MS-ASWBXML 2.1.2.1 Code Pages (protocol 16.1): every tag and token, as data.
//
// Names and namespaces are written exactly as the spec writes them (so "GAL", not libwbxml's "Gal";
// "BusinessAddressCity", not "BusinessCity"; "Mime", not "MIME"). Tokens the spec lists for older
// protocol versions (e.g. AirSync:Truncation, Email:Body) stay in so old clients still decode; tokens
// the spec dropped entirely (e.g. Ping:AutdState, AirNotify's whole page) are left out on purpose,
// except the four a 2.5 client sends for compressed RTF bodies (AirSync:RTFTruncation 0x1A,
// Contacts/Calendar/Tasks:Rtf 0x3B/0x10/0x21; libwbxml knows them as RTFTruncation and
// CompressedRTF), which 2.5 devices still send (docs/sync.md §11).
// The lookups below are derived from this one table, never typed twice.

export type TagTable = readonly (readonly [token: number, name: string])[];

export interface CodePage {
  readonly page: number;
  readonly ns: string;
  readonly tags: TagTable;
}

export const CODE_PAGES: readonly CodePage[] = [
  {
    page: 0,
    ns: 'AirSync',
    tags: [
      [0x05, 'Sync'], [0x06, 'Responses'], [0x07, 'Add'], [0x08, 'Change'], [0x09, 'Delete'],
      [0x0a, 'Fetch'], [0x0b, 'SyncKey'], [0x0c, 'ClientId'], [0x0d, 'ServerId'], [0x0e, 'Status'],
      [0x0f, 'Collection'], [0x10, 'Class'], [0x12, 'CollectionId'], [0x13, 'GetChanges'],
      [0x14, 'MoreAvailable'], [0x15, 'WindowSize'], [0x16, 'Commands'], [0x17, 'Options'],
      [0x18, 'FilterType'], [0x19, 'Truncation'], [0x1a, 'RTFTruncation'], [0x1b, 'Conflict'], [0x1c, 'Collections'],
      [0x1d, 'ApplicationData'], [0x1e, 'DeletesAsMoves'], [0x20, 'Supported'], [0x21, 'SoftDelete'],
      [0x22, 'MIMESupport'], [0x23, 'MIMETruncation'], [0x24, 'Wait'], [0x25, 'Limit'],
      [0x26, 'Partial'], [0x27, 'ConversationMode'], [0x28, 'MaxItems'], [0x29, 'HeartbeatInterval'],
    ],
  },
  {
    page: 1,
    ns: 'Contacts',
    tags: [
      [0x05, 'Anniversary'], [0x06, 'AssistantName'], [0x07, 'AssistantPhoneNumber'],
      [0x08, 'Birthday'], [0x09, 'Body'], [0x0a, 'BodySize'], [0x0b, 'BodyTruncated'],
      [0x0c, 'Business2PhoneNumber'], [0x0d, 'BusinessAddressCity'], [0x0e, 'BusinessAddressCountry'],
      [0x0f, 'BusinessAddressPostalCode'], [0x10, 'BusinessAddressState'],
      [0x11, 'BusinessAddressStreet'], [0x12, 'BusinessFaxNumber'], [0x13, 'BusinessPhoneNumber'],
      [0x14, 'CarPhoneNumber'], [0x15, 'Categories'], [0x16, 'Category'], [0x17, 'Children'],
      [0x18, 'Child'], [0x19, 'CompanyName'], [0x1a, 'Department'], [0x1b, 'Email1Address'],
      [0x1c, 'Email2Address'], [0x1d, 'Email3Address'], [0x1e, 'FileAs'], [0x1f, 'FirstName'],
      [0x20, 'Home2PhoneNumber'], [0x21, 'HomeAddressCity'], [0x22, 'HomeAddressCountry'],
      [0x23, 'HomeAddressPostalCode'], [0x24, 'HomeAddressState'], [0x25, 'HomeAddressStreet'],
      [0x26, 'HomeFaxNumber'], [0x27, 'HomePhoneNumber'], [0x28, 'JobTitle'], [0x29, 'LastName'],
      [0x2a, 'MiddleName'], [0x2b, 'MobilePhoneNumber'], [0x2c, 'OfficeLocation'],
      [0x2d, 'OtherAddressCity'], [0x2e, 'OtherAddressCountry'], [0x2f, 'OtherAddressPostalCode'],
      [0x30, 'OtherAddressState'], [0x31, 'OtherAddressStreet'], [0x32, 'PagerNumber'],
      [0x33, 'RadioPhoneNumber'], [0x34, 'Spouse'], [0x35, 'Suffix'], [0x36, 'Title'],
      [0x37, 'WebPage'], [0x38, 'YomiCompanyName'], [0x39, 'YomiFirstName'], [0x3a, 'YomiLastName'],
      [0x3b, 'Rtf'], [0x3c, 'Picture'], [0x3d, 'Alias'], [0x3e, 'WeightedRank'],
    ],
  },
  {
    page: 2,
    ns: 'Email',
    tags: [
      [0x05, 'Attachment'], [0x06, 'Attachments'], [0x07, 'AttName'], [0x08, 'AttSize'],
      // Sic: the spec spells this 2.5-era token with a zero.
      [0x09, 'Att0Id'], [0x0a, 'AttMethod'], [0x0c, 'Body'], [0x0d, 'BodySize'],
      [0x0e, 'BodyTruncated'], [0x0f, 'DateReceived'], [0x10, 'DisplayName'], [0x11, 'DisplayTo'],
      [0x12, 'Importance'], [0x13, 'MessageClass'], [0x14, 'Subject'], [0x15, 'Read'], [0x16, 'To'],
      [0x17, 'Cc'], [0x18, 'From'], [0x19, 'ReplyTo'], [0x1a, 'AllDayEvent'], [0x1b, 'Categories'],
      [0x1c, 'Category'], [0x1d, 'DtStamp'], [0x1e, 'EndTime'], [0x1f, 'InstanceType'],
      [0x20, 'BusyStatus'], [0x21, 'Location'], [0x22, 'MeetingRequest'], [0x23, 'Organizer'],
      [0x24, 'RecurrenceId'], [0x25, 'Reminder'], [0x26, 'ResponseRequested'], [0x27, 'Recurrences'],
      [0x28, 'Recurrence'], [0x29, 'Type'], [0x2a, 'Until'], [0x2b, 'Occurrences'], [0x2c, 'Interval'],
      [0x2d, 'DayOfWeek'], [0x2e, 'DayOfMonth'], [0x2f, 'WeekOfMonth'], [0x30, 'MonthOfYear'],
      [0x31, 'StartTime'], [0x32, 'Sensitivity'], [0x33, 'TimeZone'], [0x34, 'GlobalObjId'],
      [0x35, 'ThreadTopic'], [0x36, 'MIMEData'], [0x37, 'MIMETruncated'], [0x38, 'MIMESize'],
      [0x39, 'InternetCPID'], [0x3a, 'Flag'], [0x3b, 'Status'], [0x3c, 'ContentClass'],
      [0x3d, 'FlagType'], [0x3e, 'CompleteTime'], [0x3f, 'DisallowNewTimeProposal'],
    ],
  },
  // The spec keeps page 3 reserved for AirNotify but defines no tokens on it any more.
  { page: 3, ns: 'AirNotify', tags: [] },
  {
    page: 4,
    ns: 'Calendar',
    tags: [
      [0x05, 'Timezone'], [0x06, 'AllDayEvent'], [0x07, 'Attendees'], [0x08, 'Attendee'],
      [0x09, 'Email'], [0x0a, 'Name'], [0x0b, 'Body'], [0x0c, 'BodyTruncated'], [0x0d, 'BusyStatus'],
      [0x0e, 'Categories'], [0x0f, 'Category'], [0x10, 'Rtf'], [0x11, 'DtStamp'], [0x12, 'EndTime'],
      [0x13, 'Exception'], [0x14, 'Exceptions'], [0x15, 'Deleted'], [0x16, 'ExceptionStartTime'],
      [0x17, 'Location'], [0x18, 'MeetingStatus'], [0x19, 'OrganizerEmail'], [0x1a, 'OrganizerName'],
      [0x1b, 'Recurrence'], [0x1c, 'Type'], [0x1d, 'Until'], [0x1e, 'Occurrences'], [0x1f, 'Interval'],
      [0x20, 'DayOfWeek'], [0x21, 'DayOfMonth'], [0x22, 'WeekOfMonth'], [0x23, 'MonthOfYear'],
      [0x24, 'Reminder'], [0x25, 'Sensitivity'], [0x26, 'Subject'], [0x27, 'StartTime'], [0x28, 'UID'],
      [0x29, 'AttendeeStatus'], [0x2a, 'AttendeeType'], [0x33, 'DisallowNewTimeProposal'],
      [0x34, 'ResponseRequested'], [0x35, 'AppointmentReplyTime'], [0x36, 'ResponseType'],
      [0x37, 'CalendarType'], [0x38, 'IsLeapMonth'], [0x39, 'FirstDayOfWeek'],
      [0x3a, 'OnlineMeetingConfLink'], [0x3b, 'OnlineMeetingExternalLink'], [0x3c, 'ClientUid'],
    ],
  },
  {
    page: 5,
    ns: 'Move',
    tags: [
      [0x05, 'MoveItems'], [0x06, 'Move'], [0x07, 'SrcMsgId'], [0x08, 'SrcFldId'], [0x09, 'DstFldId'],
      [0x0a, 'Response'], [0x0b, 'Status'], [0x0c, 'DstMsgId'],
    ],
  },
  {
    page: 6,
    ns: 'GetItemEstimate',
    tags: [
      [0x05, 'GetItemEstimate'], [0x07, 'Collections'], [0x08, 'Collection'], [0x09, 'Class'],
      [0x0a, 'CollectionId'], [0x0c, 'Estimate'], [0x0d, 'Response'], [0x0e, 'Status'],
    ],
  },
  {
    page: 7,
    ns: 'FolderHierarchy',
    tags: [
      [0x05, 'Folders'], [0x06, 'Folder'], [0x07, 'DisplayName'], [0x08, 'ServerId'],
      [0x09, 'ParentId'], [0x0a, 'Type'], [0x0c, 'Status'], [0x0e, 'Changes'], [0x0f, 'Add'],
      [0x10, 'Delete'], [0x11, 'Update'], [0x12, 'SyncKey'], [0x13, 'FolderCreate'],
      [0x14, 'FolderDelete'], [0x15, 'FolderUpdate'], [0x16, 'FolderSync'], [0x17, 'Count'],
    ],
  },
  {
    page: 8,
    ns: 'MeetingResponse',
    tags: [
      [0x05, 'CalendarId'], [0x06, 'CollectionId'], [0x07, 'MeetingResponse'], [0x08, 'RequestId'],
      [0x09, 'Request'], [0x0a, 'Result'], [0x0b, 'Status'], [0x0c, 'UserResponse'],
      [0x0e, 'InstanceId'], [0x10, 'ProposedStartTime'], [0x11, 'ProposedEndTime'],
      [0x12, 'SendResponse'],
    ],
  },
  {
    page: 9,
    ns: 'Tasks',
    tags: [
      [0x05, 'Body'], [0x06, 'BodySize'], [0x07, 'BodyTruncated'], [0x08, 'Categories'],
      [0x09, 'Category'], [0x0a, 'Complete'], [0x0b, 'DateCompleted'], [0x0c, 'DueDate'],
      [0x0d, 'UtcDueDate'], [0x0e, 'Importance'], [0x0f, 'Recurrence'], [0x10, 'Type'],
      [0x11, 'Start'], [0x12, 'Until'], [0x13, 'Occurrences'], [0x14, 'Interval'],
      [0x15, 'DayOfMonth'], [0x16, 'DayOfWeek'], [0x17, 'WeekOfMonth'], [0x18, 'MonthOfYear'],
      [0x19, 'Regenerate'], [0x1a, 'DeadOccur'], [0x1b, 'ReminderSet'], [0x1c, 'ReminderTime'],
      [0x1d, 'Sensitivity'], [0x1e, 'StartDate'], [0x1f, 'UtcStartDate'], [0x20, 'Subject'],
      [0x21, 'Rtf'], [0x22, 'OrdinalDate'], [0x23, 'SubOrdinalDate'], [0x24, 'CalendarType'], [0x25, 'IsLeapMonth'],
      [0x26, 'FirstDayOfWeek'],
    ],
  },
  {
    page: 10,
    ns: 'ResolveRecipients',
    tags: [
      [0x05, 'ResolveRecipients'], [0x06, 'Response'], [0x07, 'Status'], [0x08, 'Type'],
      [0x09, 'Recipient'], [0x0a, 'DisplayName'], [0x0b, 'EmailAddress'], [0x0c, 'Certificates'],
      [0x0d, 'Certificate'], [0x0e, 'MiniCertificate'], [0x0f, 'Options'], [0x10, 'To'],
      [0x11, 'CertificateRetrieval'], [0x12, 'RecipientCount'], [0x13, 'MaxCertificates'],
      [0x14, 'MaxAmbiguousRecipients'], [0x15, 'CertificateCount'], [0x16, 'Availability'],
      [0x17, 'StartTime'], [0x18, 'EndTime'], [0x19, 'MergedFreeBusy'], [0x1a, 'Picture'],
      [0x1b, 'MaxSize'], [0x1c, 'Data'], [0x1d, 'MaxPictures'],
    ],
  },
  {
    page: 11,
    ns: 'ValidateCert',
    tags: [
      [0x05, 'ValidateCert'], [0x06, 'Certificates'], [0x07, 'Certificate'],
      [0x08, 'CertificateChain'], [0x09, 'CheckCRL'], [0x0a, 'Status'],
    ],
  },
  {
    page: 12,
    ns: 'Contacts2',
    tags: [
      [0x05, 'CustomerId'], [0x06, 'GovernmentId'], [0x07, 'IMAddress'], [0x08, 'IMAddress2'],
      [0x09, 'IMAddress3'], [0x0a, 'ManagerName'], [0x0b, 'CompanyMainPhone'], [0x0c, 'AccountName'],
      [0x0d, 'NickName'], [0x0e, 'MMS'],
    ],
  },
  {
    page: 13,
    ns: 'Ping',
    tags: [
      [0x05, 'Ping'], [0x07, 'Status'], [0x08, 'HeartbeatInterval'], [0x09, 'Folders'],
      [0x0a, 'Folder'], [0x0b, 'Id'], [0x0c, 'Class'], [0x0d, 'MaxFolders'],
    ],
  },
  {
    page: 14,
    ns: 'Provision',
    tags: [
      [0x05, 'Provision'], [0x06, 'Policies'], [0x07, 'Policy'], [0x08, 'PolicyType'],
      [0x09, 'PolicyKey'], [0x0a, 'Data'], [0x0b, 'Status'], [0x0c, 'RemoteWipe'],
      [0x0d, 'EASProvisionDoc'], [0x0e, 'DevicePasswordEnabled'],
      [0x0f, 'AlphanumericDevicePasswordRequired'], [0x10, 'RequireStorageCardEncryption'],
      [0x11, 'PasswordRecoveryEnabled'], [0x13, 'AttachmentsEnabled'],
      [0x14, 'MinDevicePasswordLength'], [0x15, 'MaxInactivityTimeDeviceLock'],
      [0x16, 'MaxDevicePasswordFailedAttempts'], [0x17, 'MaxAttachmentSize'],
      [0x18, 'AllowSimpleDevicePassword'], [0x19, 'DevicePasswordExpiration'],
      [0x1a, 'DevicePasswordHistory'], [0x1b, 'AllowStorageCard'], [0x1c, 'AllowCamera'],
      [0x1d, 'RequireDeviceEncryption'], [0x1e, 'AllowUnsignedApplications'],
      [0x1f, 'AllowUnsignedInstallationPackages'], [0x20, 'MinDevicePasswordComplexCharacters'],
      [0x21, 'AllowWiFi'], [0x22, 'AllowTextMessaging'], [0x23, 'AllowPOPIMAPEmail'],
      [0x24, 'AllowBluetooth'], [0x25, 'AllowIrDA'], [0x26, 'RequireManualSyncWhenRoaming'],
      [0x27, 'AllowDesktopSync'], [0x28, 'MaxCalendarAgeFilter'], [0x29, 'AllowHTMLEmail'],
      [0x2a, 'MaxEmailAgeFilter'], [0x2b, 'MaxEmailBodyTruncationSize'],
      [0x2c, 'MaxEmailHTMLBodyTruncationSize'], [0x2d, 'RequireSignedSMIMEMessages'],
      [0x2e, 'RequireEncryptedSMIMEMessages'], [0x2f, 'RequireSignedSMIMEAlgorithm'],
      [0x30, 'RequireEncryptionSMIMEAlgorithm'], [0x31, 'AllowSMIMEEncryptionAlgorithmNegotiation'],
      [0x32, 'AllowSMIMESoftCerts'], [0x33, 'AllowBrowser'], [0x34, 'AllowConsumerEmail'],
      [0x35, 'AllowRemoteDesktop'], [0x36, 'AllowInternetSharing'],
      [0x37, 'UnapprovedInROMApplicationList'], [0x38, 'ApplicationName'],
      [0x39, 'ApprovedApplicationList'], [0x3a, 'Hash'], [0x3b, 'AccountOnlyRemoteWipe'],
    ],
  },
  {
    page: 15,
    ns: 'Search',
    tags: [
      [0x05, 'Search'], [0x07, 'Store'], [0x08, 'Name'], [0x09, 'Query'], [0x0a, 'Options'],
      [0x0b, 'Range'], [0x0c, 'Status'], [0x0d, 'Response'], [0x0e, 'Result'], [0x0f, 'Properties'],
      [0x10, 'Total'], [0x11, 'EqualTo'], [0x12, 'Value'], [0x13, 'And'], [0x14, 'Or'],
      [0x15, 'FreeText'], [0x17, 'DeepTraversal'], [0x18, 'LongId'], [0x19, 'RebuildResults'],
      [0x1a, 'LessThan'], [0x1b, 'GreaterThan'], [0x1e, 'UserName'], [0x1f, 'Password'],
      [0x20, 'ConversationId'], [0x21, 'Picture'], [0x22, 'MaxSize'], [0x23, 'MaxPictures'],
    ],
  },
  {
    page: 16,
    ns: 'GAL',
    tags: [
      [0x05, 'DisplayName'], [0x06, 'Phone'], [0x07, 'Office'], [0x08, 'Title'], [0x09, 'Company'],
      [0x0a, 'Alias'], [0x0b, 'FirstName'], [0x0c, 'LastName'], [0x0d, 'HomePhone'],
      [0x0e, 'MobilePhone'], [0x0f, 'EmailAddress'], [0x10, 'Picture'], [0x11, 'Status'],
      [0x12, 'Data'],
    ],
  },
  {
    page: 17,
    ns: 'AirSyncBase',
    tags: [
      [0x05, 'BodyPreference'], [0x06, 'Type'], [0x07, 'TruncationSize'], [0x08, 'AllOrNone'],
      [0x0a, 'Body'], [0x0b, 'Data'], [0x0c, 'EstimatedDataSize'], [0x0d, 'Truncated'],
      [0x0e, 'Attachments'], [0x0f, 'Attachment'], [0x10, 'DisplayName'], [0x11, 'FileReference'],
      [0x12, 'Method'], [0x13, 'ContentId'], [0x14, 'ContentLocation'], [0x15, 'IsInline'],
      [0x16, 'NativeBodyType'], [0x17, 'ContentType'], [0x18, 'Preview'],
      [0x19, 'BodyPartPreference'], [0x1a, 'BodyPart'], [0x1b, 'Status'], [0x1c, 'Add'],
      [0x1d, 'Delete'], [0x1e, 'ClientId'], [0x1f, 'Content'], [0x20, 'Location'],
      [0x21, 'Annotation'], [0x22, 'Street'], [0x23, 'City'], [0x24, 'State'], [0x25, 'Country'],
      [0x26, 'PostalCode'], [0x27, 'Latitude'], [0x28, 'Longitude'], [0x29, 'Accuracy'],
      [0x2a, 'Altitude'], [0x2b, 'AltitudeAccuracy'], [0x2c, 'LocationUri'], [0x2d, 'InstanceId'],
    ],
  },
  {
    page: 18,
    ns: 'Settings',
    tags: [
      [0x05, 'Settings'], [0x06, 'Status'], [0x07, 'Get'], [0x08, 'Set'], [0x09, 'Oof'],
      [0x0a, 'OofState'], [0x0b, 'StartTime'], [0x0c, 'EndTime'], [0x0d, 'OofMessage'],
      [0x0e, 'AppliesToInternal'], [0x0f, 'AppliesToExternalKnown'],
      [0x10, 'AppliesToExternalUnknown'], [0x11, 'Enabled'], [0x12, 'ReplyMessage'],
      [0x13, 'BodyType'], [0x14, 'DevicePassword'], [0x15, 'Password'], [0x16, 'DeviceInformation'],
      [0x17, 'Model'], [0x18, 'IMEI'], [0x19, 'FriendlyName'], [0x1a, 'OS'], [0x1b, 'OSLanguage'],
      [0x1c, 'PhoneNumber'], [0x1d, 'UserInformation'], [0x1e, 'EmailAddresses'],
      [0x1f, 'SmtpAddress'], [0x20, 'UserAgent'], [0x21, 'EnableOutboundSMS'],
      [0x22, 'MobileOperator'], [0x23, 'PrimarySmtpAddress'], [0x24, 'Accounts'], [0x25, 'Account'],
      [0x26, 'AccountId'], [0x27, 'AccountName'], [0x28, 'UserDisplayName'], [0x29, 'SendDisabled'],
      [0x2b, 'RightsManagementInformation'],
    ],
  },
  {
    page: 19,
    ns: 'DocumentLibrary',
    tags: [
      [0x05, 'LinkId'], [0x06, 'DisplayName'], [0x07, 'IsFolder'], [0x08, 'CreationDate'],
      [0x09, 'LastModifiedDate'], [0x0a, 'IsHidden'], [0x0b, 'ContentLength'], [0x0c, 'ContentType'],
    ],
  },
  {
    page: 20,
    ns: 'ItemOperations',
    tags: [
      [0x05, 'ItemOperations'], [0x06, 'Fetch'], [0x07, 'Store'], [0x08, 'Options'], [0x09, 'Range'],
      [0x0a, 'Total'], [0x0b, 'Properties'], [0x0c, 'Data'], [0x0d, 'Status'], [0x0e, 'Response'],
      [0x0f, 'Version'], [0x10, 'Schema'], [0x11, 'Part'], [0x12, 'EmptyFolderContents'],
      [0x13, 'DeleteSubFolders'], [0x14, 'UserName'], [0x15, 'Password'], [0x16, 'Move'],
      [0x17, 'DstFldId'], [0x18, 'ConversationId'], [0x19, 'MoveAlways'],
    ],
  },
  {
    page: 21,
    ns: 'ComposeMail',
    tags: [
      [0x05, 'SendMail'], [0x06, 'SmartForward'], [0x07, 'SmartReply'], [0x08, 'SaveInSentItems'],
      [0x09, 'ReplaceMime'], [0x0b, 'Source'], [0x0c, 'FolderId'], [0x0d, 'ItemId'], [0x0e, 'LongId'],
      [0x0f, 'InstanceId'], [0x10, 'Mime'], [0x11, 'ClientId'], [0x12, 'Status'], [0x13, 'AccountId'],
      [0x15, 'Forwardees'], [0x16, 'Forwardee'], [0x17, 'Name'], [0x18, 'Email'],
    ],
  },
  {
    page: 22,
    ns: 'Email2',
    tags: [
      [0x05, 'UmCallerID'], [0x06, 'UmUserNotes'], [0x07, 'UmAttDuration'], [0x08, 'UmAttOrder'],
      [0x09, 'ConversationId'], [0x0a, 'ConversationIndex'], [0x0b, 'LastVerbExecuted'],
      [0x0c, 'LastVerbExecutionTime'], [0x0d, 'ReceivedAsBcc'], [0x0e, 'Sender'],
      [0x0f, 'CalendarType'], [0x10, 'IsLeapMonth'], [0x11, 'AccountId'], [0x12, 'FirstDayOfWeek'],
      [0x13, 'MeetingMessageType'], [0x15, 'IsDraft'], [0x16, 'Bcc'], [0x17, 'Send'],
    ],
  },
  {
    page: 23,
    ns: 'Notes',
    tags: [
      [0x05, 'Subject'], [0x06, 'MessageClass'], [0x07, 'LastModifiedDate'], [0x08, 'Categories'],
      [0x09, 'Category'],
    ],
  },
  {
    page: 24,
    ns: 'RightsManagement',
    tags: [
      [0x05, 'RightsManagementSupport'], [0x06, 'RightsManagementTemplates'],
      [0x07, 'RightsManagementTemplate'], [0x08, 'RightsManagementLicense'], [0x09, 'EditAllowed'],
      [0x0a, 'ReplyAllowed'], [0x0b, 'ReplyAllAllowed'], [0x0c, 'ForwardAllowed'],
      [0x0d, 'ModifyRecipientsAllowed'], [0x0e, 'ExtractAllowed'], [0x0f, 'PrintAllowed'],
      [0x10, 'ExportAllowed'], [0x11, 'ProgrammaticAccessAllowed'], [0x12, 'Owner'],
      [0x13, 'ContentExpiryDate'], [0x14, 'TemplateID'], [0x15, 'TemplateName'],
      [0x16, 'TemplateDescription'], [0x17, 'ContentOwner'],
      [0x18, 'RemoveRightsManagementProtection'],
    ],
  },
  {
    page: 25,
    ns: 'Find',
    tags: [
      [0x05, 'Find'], [0x06, 'SearchId'], [0x07, 'ExecuteSearch'], [0x08, 'MailBoxSearchCriterion'],
      [0x09, 'Query'], [0x0a, 'Status'], [0x0b, 'FreeText'], [0x0c, 'Options'], [0x0d, 'Range'],
      [0x0e, 'DeepTraversal'], [0x11, 'Response'], [0x12, 'Result'], [0x13, 'Properties'],
      [0x14, 'Preview'], [0x15, 'HasAttachments'], [0x16, 'Total'], [0x17, 'DisplayCc'],
      [0x18, 'DisplayBcc'], [0x19, 'GalSearchCriterion'], [0x20, 'MaxPictures'], [0x21, 'MaxSize'],
      [0x22, 'Picture'],
    ],
  },
];

/** Tag tokens carry flags in the two high bits; the token itself is the low six. */
export const TOKEN_MASK = 0x3f;

/** Everything the codec looks up, derived once from CODE_PAGES. */
export interface CodePageIndex {
  /** namesByPage[page][token] → tag name; undefined where the spec defines none. */
  readonly namesByPage: readonly (readonly (string | undefined)[] | undefined)[];
  /** nsByPage[page] → namespace name. */
  readonly nsByPage: readonly (string | undefined)[];
  /** tokensByNs.get(ns) → { page, tokens: name → token }. */
  readonly tokensByNs: ReadonlyMap<string, { readonly page: number; readonly tokens: ReadonlyMap<string, number> }>;
}

export function buildIndex(pages: readonly CodePage[]): CodePageIndex {
  const namesByPage: (string | undefined)[][] = [];
  const nsByPage: (string | undefined)[] = [];
  const tokensByNs = new Map<string, { page: number; tokens: Map<string, number> }>();
  for (const { page, ns, tags } of pages) {
    if (nsByPage[page] !== undefined) throw new Error(`code page ${page} defined twice`);
    if (tokensByNs.has(ns)) throw new Error(`namespace ${ns} defined twice`);
    const names: (string | undefined)[] = new Array<string | undefined>(TOKEN_MASK + 1).fill(undefined);
    const tokens = new Map<string, number>();
    for (const [token, name] of tags) {
      // 0x00–0x04 are WBXML global tokens; a tag token above 0x3F would collide with the flag bits.
      if (token < 0x05 || token > TOKEN_MASK) throw new Error(`${ns}:${name}: token ${token} out of range`);
      if (names[token] !== undefined) throw new Error(`${ns}: token ${token} defined twice`);
      if (tokens.has(name)) throw new Error(`${ns}:${name} defined twice`);
      names[token] = name;
      tokens.set(name, token);
    }
    namesByPage[page] = names;
    nsByPage[page] = ns;
    tokensByNs.set(ns, { page, tokens });
  }
  return { namesByPage, nsByPage, tokensByNs };
}

/** The index of the MS-ASWBXML pages: immutable data, shared by decode, encode and toXml. */
export const ASWBXML: CodePageIndex = buildIndex(CODE_PAGES);
