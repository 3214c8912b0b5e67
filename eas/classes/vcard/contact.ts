// A contact as EAS carries it (MS-ASCNTC 2.2.2, at 14.1), between vCard and ApplicationData:
// the Contacts/Contacts2 properties by their qualified tag, each one text value, and the three
// that are not plain text: Categories (a list), the note (AirSyncBase:Body, plain text) and
// Picture (base64 of the image bytes). Birthday and Anniversary are dates "YYYY-MM-DD".

export type ContactValue = string | string[];

/** Tag → value; a property the contact does not have is absent. */
export type EasContact = Map<string, ContactValue>;

export const CATEGORIES = 'Contacts:Categories';
export const BODY = 'AirSyncBase:Body';
export const PICTURE = 'Contacts:Picture';
export const BIRTHDAY = 'Contacts:Birthday';
export const ANNIVERSARY = 'Contacts:Anniversary';

/** The text properties import and export know, in MS-ASCNTC's order. */
export const TEXT_TAGS = [
  'Contacts:AssistantName',
  'Contacts:AssistantPhoneNumber',
  'Contacts:Business2PhoneNumber',
  'Contacts:BusinessAddressCity',
  'Contacts:BusinessAddressCountry',
  'Contacts:BusinessAddressPostalCode',
  'Contacts:BusinessAddressState',
  'Contacts:BusinessAddressStreet',
  'Contacts:BusinessFaxNumber',
  'Contacts:BusinessPhoneNumber',
  'Contacts:CarPhoneNumber',
  'Contacts:CompanyName',
  'Contacts:Department',
  'Contacts:Email1Address',
  'Contacts:Email2Address',
  'Contacts:Email3Address',
  'Contacts:FileAs',
  'Contacts:FirstName',
  'Contacts:Home2PhoneNumber',
  'Contacts:HomeAddressCity',
  'Contacts:HomeAddressCountry',
  'Contacts:HomeAddressPostalCode',
  'Contacts:HomeAddressState',
  'Contacts:HomeAddressStreet',
  'Contacts:HomeFaxNumber',
  'Contacts:HomePhoneNumber',
  'Contacts:JobTitle',
  'Contacts:LastName',
  'Contacts:MiddleName',
  'Contacts:MobilePhoneNumber',
  'Contacts:OfficeLocation',
  'Contacts:OtherAddressCity',
  'Contacts:OtherAddressCountry',
  'Contacts:OtherAddressPostalCode',
  'Contacts:OtherAddressState',
  'Contacts:OtherAddressStreet',
  'Contacts:PagerNumber',
  'Contacts:RadioPhoneNumber',
  'Contacts:Spouse',
  'Contacts:Suffix',
  'Contacts:Title',
  'Contacts:WebPage',
  'Contacts2:CompanyMainPhone',
  'Contacts2:IMAddress',
  'Contacts2:IMAddress2',
  'Contacts2:IMAddress3',
  'Contacts2:ManagerName',
  'Contacts2:NickName',
  'Contacts2:MMS',
] as const;

/** The date properties (dateTime on the wire, a date here). */
export const DATE_TAGS = [BIRTHDAY, ANNIVERSARY] as const;
