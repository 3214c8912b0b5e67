// A DeliveryPlan run inside the delivery's transaction (docs/store.md "Atomic units"): what each
// recipient's account holds is read under the transaction's write lock (SQLite's IMMEDIATE lock,
// taken before the plan runs), the plan decides from it, and its additions go into the copies
// that transaction writes. No other write can come between what the plan read and the commit.
import { StoreError, type Account, type DeliveryPlan, type Delivery, type DocItem, type Folder, type PlanView } from './types.js';

export interface PlanReads {
  getAccount(accountId: number): Account | null;
  listFolders(accountId: number): Folder[];
  findDocByUid(accountId: number, folderId: number | null, uid: string): DocItem | null;
}

export function runDeliveryPlan(reads: PlanReads, deliveries: Delivery[], plan: DeliveryPlan): Delivery[] {
  const views = new Map<number, PlanView>();
  for (const d of deliveries) {
    if (views.has(d.accountId)) continue;
    const account = reads.getAccount(d.accountId);
    if (!account) throw new StoreError('no-such-account', `no account ${d.accountId}`);
    views.set(d.accountId, { account, folders: reads.listFolders(d.accountId), docByUid: reads.findDocByUid(d.accountId, null, plan.uid) });
  }
  const additions = plan.plan(views);
  return deliveries.map((d) => {
    const add = additions.get(d.accountId);
    if (!add) return d;
    return {
      ...d,
      ...(add.meeting !== undefined ? { meeting: add.meeting } : {}),
      ...(add.docs && add.docs.length > 0 ? { docs: add.docs } : {}),
    };
  });
}
