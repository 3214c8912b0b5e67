// Where imported mail goes and where exported mail comes from: the account's mail folders by
// path. A top-level name a mail program uses for a system folder ("Sent", "Trash", "Spam"…)
// means that system folder; any other name is a mail folder, made when missing.

import { FolderType, type Folder, type Store } from '../../store/types.js';

const MAIL_TYPES = new Set<number>([
  FolderType.Inbox, FolderType.Drafts, FolderType.DeletedItems, FolderType.SentItems, FolderType.Outbox, FolderType.UserMail,
]);

/** Names other mail programs give the system folders, lower case → the system folder's own name. */
const SYSTEM_ALIASES: Record<string, string> = {
  inbox: 'Inbox',
  drafts: 'Drafts',
  draft: 'Drafts',
  sent: 'Sent Items',
  'sent items': 'Sent Items',
  'sent messages': 'Sent Items',
  'sent mail': 'Sent Items',
  trash: 'Deleted Items',
  deleted: 'Deleted Items',
  'deleted items': 'Deleted Items',
  'deleted messages': 'Deleted Items',
  junk: 'Junk Email',
  'junk email': 'Junk Email',
  'junk e-mail': 'Junk Email',
  spam: 'Junk Email',
  outbox: 'Outbox',
};

export function isMailFolder(folder: Folder): boolean {
  return MAIL_TYPES.has(folder.type);
}

export interface FolderResolver {
  /** The folder at `path` below `base` (null: top level), made where missing. */
  resolve(base: Folder | null, path: readonly string[]): Promise<Folder>;
  /** Every mail folder with its names from the top, for export. */
  paths(): Promise<Array<{ folder: Folder; path: string[] }>>;
}

export function createFolderResolver(store: Store, accountId: number): FolderResolver {
  const live = async () => await store.listFolders(accountId);

  async function child(parent: Folder | null, name: string): Promise<Folder> {
    const folders = await live();
    const parentId = parent?.id ?? null;
    if (parentId === null) {
      const system = SYSTEM_ALIASES[name.toLowerCase()];
      const found = system ? folders.find((f) => f.system && f.parentId === null && f.name === system) : undefined;
      if (found) return found;
    }
    const same = folders.find((f) => f.parentId === parentId && f.name.toLowerCase() === name.toLowerCase());
    if (same) {
      if (!isMailFolder(same)) throw new Error(`folder "${same.name}" exists and is not a mail folder`);
      return same;
    }
    return await store.createFolder(accountId, parentId, name, FolderType.UserMail, null);
  }

  return {
    async resolve(base, path) {
      let at = base;
      for (const name of path) at = await child(at, name);
      if (!at) throw new Error('no folder named');
      return at;
    },
    async paths() {
      const folders = await live();
      const byId = new Map(folders.map((f) => [f.id, f]));
      const pathOf = (f: Folder): string[] => {
        const names: string[] = [];
        for (let at: Folder | undefined = f; at; at = at.parentId === null ? undefined : byId.get(at.parentId)) names.unshift(at.name);
        return names;
      };
      return folders.filter(isMailFolder).map((folder) => ({ folder, path: pathOf(folder) }));
    },
  };
}
