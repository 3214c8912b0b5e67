// MS-ASPROV 2.2.2.24.2 Data (string Data Type): the policy of protocol 2.5, PolicyType
// "MS-WAP-Provisioning-XML" (2.2.2.43), a wap-provisioningdoc (the Windows Mobile MSPROV DTD)
// sent as the text of Provision:Data. The string schema has two top-level characteristics:
// "SecurityPolicy" (parm 4131) and "Registry" (branches of HKLM\Comm\Security\Policy\LASSD).
//
// It says what the 12.0+ EASProvisionDoc says (provision.ts provisionDoc()): nothing is
// required (docs/clients.md rules 12 and 44).
// - 4131 = 1: no device password (DevicePasswordEnabled 0; 0 would require one).
// - AEFrequencyType = 0, AEFrequencyValue = 0: no inactivity lock (MaxInactivityTimeDeviceLock 0).
// - MinimumPasswordLength = 1, PasswordComplexity = 2: no minimum, simple passwords allowed
//   (MinDevicePasswordLength 1, AlphanumericDevicePasswordRequired 0, AllowSimpleDevicePassword 1),
//   for a password the user sets on their own.
// DeviceWipeThreshold and CodewordFrequency are left out rather than given a value: a policy
// that requires no password has no wrong-password count, and an absent parm leaves the device's
// own setting alone (MS-ASPROV 3.2.5.1.1), where a number read differently by some device
// would be a wipe trigger.

/** MS-ASPROV 2.2.2.24.2: the LASSD branch holding the inactivity-lock ("authentication event") settings. */
const AE_KEY = 'HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}';
/** MS-ASPROV 2.2.2.24.2: the LASSD branch of the password local-authentication plugin. */
const LAP_PW_KEY = 'HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw';

type Parms = readonly (readonly [name: string, value: string])[];

/** XML attribute text (the registry paths hold backslashes and braces, which need none). */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function characteristic(type: string, inner: string): string {
  return `<characteristic type="${attr(type)}">${inner}</characteristic>`;
}

function parms(list: Parms): string {
  return list.map(([name, value]) => `<parm name="${attr(name)}" value="${attr(value)}"/>`).join('');
}

/** The permissive 2.5 policy, as the text the Data element carries. */
export function wapProvisioningDoc(): string {
  const security = characteristic('SecurityPolicy', parms([['4131', '1']]));
  const registry = characteristic(
    'Registry',
    characteristic(AE_KEY, parms([['AEFrequencyType', '0'], ['AEFrequencyValue', '0']])) +
      characteristic(LAP_PW_KEY, parms([['MinimumPasswordLength', '1'], ['PasswordComplexity', '2']])),
  );
  return `<wap-provisioningdoc>${security}${registry}</wap-provisioningdoc>`;
}
