// vCard properties (RFC 6350 / RFC 2426) ↔ MS-ASCNTC Contacts and Contacts2 properties, as a
// table: each group owns some vCard properties and some EAS tags. `read` assigns the card's
// properties to tags (a slot: one property and the tags it fills); `write` makes the property for
// some tags again. Export rewrites only the groups whose tags a device changed, keeping every
// property a group did not map (a fourth EMAIL, a TEL with no free slot).

import ICAL from 'ical.js';
import { ANNIVERSARY, BIRTHDAY, BODY, CATEGORIES, PICTURE, type ContactValue } from './contact.js';
import { photoProperty, readPhoto } from './photo.js';
import { components, dateOf, prefOf, textOf, textValues, typesOf } from './values.js';

export interface Slot {
  /** The property it came from; null when derived from another group's property (names from FN). */
  prop: ICAL.Property | null;
  /** The tags the slot stands for, filled or not (all five of an N). */
  tags: readonly string[];
  values: Map<string, ContactValue>;
  /** Further properties the slot's value was read from (every CATEGORIES line). */
  also?: ICAL.Property[];
}

export interface Group {
  name: string;
  /** vCard property names (lower-case) the group owns. */
  props: readonly string[];
  tags: readonly string[];
  read(card: ICAL.Component, notes: string[]): Slot[];
  /** The properties for these tag values (those of one slot, or all new ones), to add to `card`. */
  write(values: Map<string, ContactValue>, card: ICAL.Component): ICAL.Property[];
}

const property = (name: string, card: ICAL.Component, value: unknown, type?: string): ICAL.Property => {
  const prop = new ICAL.Property(name, card);
  if (type) prop.resetType(type);
  prop.setValue(value as string);
  return prop;
};

const str = (v: ContactValue | undefined): string => (Array.isArray(v) ? v.join(', ') : (v ?? ''));

/** One property ↔ one tag (TITLE ↔ JobTitle). */
function single(name: string, tag: string, read: (p: ICAL.Property) => ContactValue | null = textOf): Group {
  return {
    name,
    props: [name],
    tags: [tag],
    read: (card) => {
      const prop = card.getFirstProperty(name);
      const value = prop ? read(prop) : null;
      return prop && value !== null && value !== '' ? [{ prop, tags: [tag], values: new Map([[tag, value]]) }] : [];
    },
    write: (values, card) => (values.has(tag) ? [property(name, card, str(values.get(tag)))] : []),
  };
}

/** A structured property ↔ its components' tags (N, ORG). */
function structured(name: string, tags: readonly (string | null)[]): Omit<Group, 'name'> {
  const mapped = tags.filter((t): t is string => t !== null);
  return {
    props: [name],
    tags: mapped,
    read: (card) => {
      const prop = card.getFirstProperty(name);
      if (!prop) return [];
      const parts = components(prop);
      const values = new Map<string, ContactValue>();
      tags.forEach((t, i) => t && parts[i] && values.set(t, parts[i]!));
      return [{ prop, tags: mapped, values }];
    },
    write: (values, card) => {
      if (!mapped.some((t) => values.has(t))) return [];
      return [property(name, card, tags.map((t) => (t ? str(values.get(t)) : '')))];
    },
  };
}

const N_TAGS = ['Contacts:LastName', 'Contacts:FirstName', 'Contacts:MiddleName', 'Contacts:Title', 'Contacts:Suffix'];
const nameGroup: Group = {
  name: 'name',
  ...structured('n', N_TAGS),
  read: (card) => {
    const slots = structured('n', N_TAGS).read(card, []);
    if (slots.length > 0) return slots;
    // No N (vCard 4.0 allows it): the phone still needs a name to show.
    const fn = card.getFirstProperty('fn');
    return fn && textOf(fn) ? [{ prop: null, tags: N_TAGS, values: new Map([['Contacts:FirstName', textOf(fn)]]) }] : [];
  },
};

/** Several properties filling numbered or typed slots (EMAIL → Email1–3, TEL → the phone tags). */
function slotted(name: string, prop: string, tags: readonly string[], candidates: (p: ICAL.Property) => readonly string[], value: (p: ICAL.Property) => string, make: (tag: string, v: string, card: ICAL.Component) => ICAL.Property, order?: (a: ICAL.Property, b: ICAL.Property) => number): Group {
  return {
    name,
    props: [prop],
    tags,
    read: (card, notes) => {
      const props = card.getAllProperties(prop);
      const sorted = order ? [...props].sort(order) : props;
      const slots: Slot[] = [];
      const taken = new Set<string>();
      for (const p of sorted) {
        const v = value(p);
        if (!v) continue;
        const tag = candidates(p).find((t) => !taken.has(t));
        if (!tag) {
          notes.push(`${prop.toUpperCase()}:${v} has no free EAS field: kept for export only`);
          continue;
        }
        taken.add(tag);
        slots.push({ prop: p, tags: [tag], values: new Map([[tag, v]]) });
      }
      return slots;
    },
    write: (values, card) => tags.filter((t) => values.has(t)).map((t) => make(t, str(values.get(t)), card)),
  };
}

const EMAILS = ['Contacts:Email1Address', 'Contacts:Email2Address', 'Contacts:Email3Address'];
const emailGroup = slotted(
  'email',
  'email',
  EMAILS,
  () => EMAILS,
  (p) => textOf(p).trim(),
  (tag, v, card) => {
    const prop = property('email', card, v);
    if (tag === EMAILS[0]) prop.setParameter('pref', '1');
    return prop;
  },
  (a, b) => prefOf(a) - prefOf(b),
);

/** Phone tags by TYPE, in the order they are tried, and the TYPE each is written with. */
const PHONES: { tag: string; types: string[] }[] = [
  { tag: 'Contacts:BusinessPhoneNumber', types: ['work', 'voice'] },
  { tag: 'Contacts:Business2PhoneNumber', types: ['work', 'voice'] },
  { tag: 'Contacts:HomePhoneNumber', types: ['home', 'voice'] },
  { tag: 'Contacts:Home2PhoneNumber', types: ['home', 'voice'] },
  { tag: 'Contacts:MobilePhoneNumber', types: ['cell'] },
  { tag: 'Contacts:BusinessFaxNumber', types: ['work', 'fax'] },
  { tag: 'Contacts:HomeFaxNumber', types: ['home', 'fax'] },
  { tag: 'Contacts:PagerNumber', types: ['pager'] },
  { tag: 'Contacts:CarPhoneNumber', types: ['car'] },
  { tag: 'Contacts:RadioPhoneNumber', types: ['x-radio'] },
  { tag: 'Contacts:AssistantPhoneNumber', types: ['x-assistant'] },
  { tag: 'Contacts2:CompanyMainPhone', types: ['work', 'x-main'] },
  { tag: 'Contacts2:MMS', types: ['x-mms'] },
];

function phoneCandidates(p: ICAL.Property): string[] {
  const t = new Set(typesOf(p));
  const has = (...names: string[]): boolean => names.some((n) => t.has(n));
  if (has('fax')) return has('work') ? ['Contacts:BusinessFaxNumber', 'Contacts:HomeFaxNumber'] : ['Contacts:HomeFaxNumber', 'Contacts:BusinessFaxNumber'];
  if (has('pager')) return ['Contacts:PagerNumber'];
  if (has('cell', 'mobile', 'iphone')) return ['Contacts:MobilePhoneNumber'];
  if (has('car')) return ['Contacts:CarPhoneNumber'];
  if (has('x-radio', 'radio')) return ['Contacts:RadioPhoneNumber'];
  if (has('x-assistant', 'assistant')) return ['Contacts:AssistantPhoneNumber'];
  if (has('x-mms', 'mms')) return ['Contacts2:MMS'];
  if (has('x-main', 'main', 'main-number', 'x-company')) return ['Contacts2:CompanyMainPhone'];
  if (has('work')) return ['Contacts:BusinessPhoneNumber', 'Contacts:Business2PhoneNumber'];
  return ['Contacts:HomePhoneNumber', 'Contacts:Home2PhoneNumber', 'Contacts:MobilePhoneNumber'];
}

const telGroup = slotted(
  'tel',
  'tel',
  PHONES.map((p) => p.tag),
  phoneCandidates,
  (p) => textOf(p).trim().replace(/^tel:/i, ''),
  (tag, v, card) => {
    const prop = property('tel', card, v, 'text');
    prop.setParameter('type', PHONES.find((p) => p.tag === tag)!.types);
    return prop;
  },
);

const ADDRESS_KINDS = [
  { prefix: 'Contacts:BusinessAddress', type: 'work' },
  { prefix: 'Contacts:HomeAddress', type: 'home' },
  { prefix: 'Contacts:OtherAddress', type: null },
] as const;
const ADDRESS_PARTS = ['Street', 'City', 'State', 'PostalCode', 'Country'] as const;
const adrGroup: Group = {
  name: 'adr',
  props: ['adr'],
  tags: ADDRESS_KINDS.flatMap((k) => ADDRESS_PARTS.map((p) => `${k.prefix}${p}`)),
  read: (card, notes) => {
    const slots: Slot[] = [];
    const taken = new Set<string>();
    for (const prop of card.getAllProperties('adr')) {
      const t = typesOf(prop);
      const wanted = t.includes('work') ? 0 : t.includes('home') ? 1 : 2;
      const kind = [ADDRESS_KINDS[wanted]!, ADDRESS_KINDS[2]].find((k) => !taken.has(k.prefix));
      const [pobox, ext, street, city, state, code, country] = components(prop);
      if (!kind) {
        notes.push(`ADR:${[street, city].filter(Boolean).join(', ')} has no free EAS address: kept for export only`);
        continue;
      }
      taken.add(kind.prefix);
      const values = new Map<string, ContactValue>();
      const parts = [[pobox, ext, street].filter(Boolean).join('\n'), city, state, code, country];
      ADDRESS_PARTS.forEach((p, i) => parts[i] && values.set(`${kind.prefix}${p}`, parts[i]!));
      slots.push({ prop, tags: ADDRESS_PARTS.map((p) => `${kind.prefix}${p}`), values });
    }
    return slots;
  },
  write: (values, card) =>
    ADDRESS_KINDS.filter((k) => ADDRESS_PARTS.some((p) => values.has(`${k.prefix}${p}`))).map((k) => {
      const v = (p: string): string => str(values.get(`${k.prefix}${p}`));
      const prop = property('adr', card, ['', '', v('Street'), v('City'), v('State'), v('PostalCode'), v('Country')]);
      if (k.type) prop.setParameter('type', k.type);
      return prop;
    }),
};

const IM_PROPS = ['impp', 'x-aim', 'x-jabber', 'x-msn', 'x-icq', 'x-yahoo', 'x-skype', 'x-gadugadu', 'x-gtalk'];
const IMS = ['Contacts2:IMAddress', 'Contacts2:IMAddress2', 'Contacts2:IMAddress3'];
const imGroup: Group = {
  name: 'impp',
  props: IM_PROPS,
  tags: IMS,
  read: (card, notes) => {
    const props = card.getAllProperties().filter((p) => IM_PROPS.includes(p.name));
    return props.flatMap((prop, i) => {
      if (i >= IMS.length) {
        notes.push(`${prop.name.toUpperCase()}:${textOf(prop)} has no free EAS field: kept for export only`);
        return [];
      }
      return [{ prop, tags: [IMS[i]!], values: new Map<string, ContactValue>([[IMS[i]!, textOf(prop)]]) }];
    });
  },
  write: (values, card) => IMS.filter((t) => values.has(t)).map((t) => property('impp', card, str(values.get(t)))),
};

const categoriesGroup: Group = {
  name: 'categories',
  props: ['categories'],
  tags: [CATEGORIES],
  read: (card) => {
    const props = card.getAllProperties('categories');
    const list = props.flatMap(textValues);
    return list.length ? [{ prop: props[0]!, tags: [CATEGORIES], values: new Map([[CATEGORIES, list]]), also: props.slice(1) }] : [];
  },
  write: (values, card) => {
    const list = values.get(CATEGORIES);
    if (!Array.isArray(list) || list.length === 0) return [];
    const prop = new ICAL.Property('categories', card);
    prop.setValues(list);
    return [prop];
  },
};

const photoGroup: Group = {
  name: 'photo',
  props: ['photo'],
  tags: [PICTURE],
  read: (card, notes) => {
    const prop = card.getFirstProperty('photo');
    if (!prop) return [];
    const photo = readPhoto(prop);
    if (photo.kind === 'link') notes.push(`PHOTO is a link (${photo.uri.slice(0, 60)}): not fetched, kept for export only`);
    else if (photo.kind === 'bad') notes.push(`${photo.reason}: kept for export only`);
    else return [{ prop, tags: [PICTURE], values: new Map([[PICTURE, photo.base64]]) }];
    return [];
  },
  write: (values, card) => (values.get(PICTURE) ? [photoProperty(str(values.get(PICTURE)), card)] : []),
};

function dateGroup(name: string, props: string[], tag: string): Group {
  return {
    name,
    props,
    tags: [tag],
    read: (card) => {
      const prop = props.map((p) => card.getFirstProperty(p)).find((p) => p !== null);
      const date = prop ? dateOf(prop) : null;
      return prop && date ? [{ prop, tags: [tag], values: new Map([[tag, date]]) }] : [];
    },
    write: (values, card) => {
      const date = str(values.get(tag));
      if (!date) return [];
      return [property(props[0]!, card, ICAL.VCardTime.fromDateAndOrTimeString(date, 'date'), 'date')];
    },
  };
}

export const GROUPS: readonly Group[] = [
  nameGroup,
  single('fn', 'Contacts:FileAs'),
  single('nickname', 'Contacts2:NickName', (p) => textValues(p).join(', ')),
  emailGroup,
  telGroup,
  adrGroup,
  { name: 'org', ...structured('org', ['Contacts:CompanyName', 'Contacts:Department']) },
  single('title', 'Contacts:JobTitle'),
  dateGroup('bday', ['bday'], BIRTHDAY),
  dateGroup('anniversary', ['anniversary', 'x-anniversary'], ANNIVERSARY),
  single('note', BODY),
  categoriesGroup,
  photoGroup,
  single('url', 'Contacts:WebPage'),
  imGroup,
  single('x-spouse', 'Contacts:Spouse'),
  single('x-assistant', 'Contacts:AssistantName'),
  single('x-manager', 'Contacts2:ManagerName'),
];
