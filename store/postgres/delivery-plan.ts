// A DeliveryPlan run inside the delivery's transaction on PostgreSQL (the counterpart of
// store/delivery-plan.ts, docs/store.md "Atomic units"): the delivery has locked every
// recipient's account row (store/postgres/items.ts lockAccountsForWrite) before the plan reads,
// the reads run on the transaction's own connection, the plan decides from them, and its
// additions go into the copies that transaction writes. No other write of those accounts can
// come between what the plan read and the commit. The plan may run again if PostgreSQL retries
// the transaction (a deadlock victim): DeliveryPlan.plan allows that.
//
// The account and folder reads are local queries: their modules (store/postgres/accounts.ts,
// folders.ts) read through the pool, which is another connection, and a transaction holding one
// pooled connection must not wait for a second (a full pool would deadlock).
import { runDeliveryPlan } from '../delivery-plan.js';
import type { Account, Delivery, DeliveryPlan, Folder, PlanView } from '../types.js';
import { findDocByUid } from './docs.js';
import type { PgQueryable } from './item-rows.js';
import type { PrepareDelivery } from './items.js';
import type { PgWriteContext } from './writer.js';

/** What runDeliveryPlan reads of one account (store/delivery-plan.ts PlanReads), read before it runs. */
async function readView(q: PgQueryable, accountId: number, uid: string): Promise<Omit<PlanView, 'account'> & { account: Account | null }> {
  const account = await q.query<{ id: number; address: string; display_name: string | null; created_at: string }>(
    'SELECT id, address, display_name, created_at FROM accounts WHERE id = $1',
    [accountId],
  );
  const folders = await q.query<{ id: number; account_id: number; parent_id: number | null; name: string; type: number; system: number; modseq: number }>(
    `SELECT id, account_id, parent_id, name, type, system, modseq FROM folders
      WHERE account_id = $1 AND deleted_modseq IS NULL ORDER BY id`,
    [accountId],
  );
  const a = account.rows[0];
  return {
    // As store/accounts.ts and store/folders.ts map their rows.
    account: a ? { id: a.id, address: a.address, displayName: a.display_name, createdAt: a.created_at } : null,
    folders: folders.rows.map(
      (f): Folder => ({ id: f.id, accountId: f.account_id, parentId: f.parent_id, name: f.name, type: f.type, system: f.system === 1, modseq: f.modseq }),
    ),
    docByUid: await findDocByUid(q, accountId, null, uid),
  };
}

/**
 * The plan bound for PgItems.deliver. Reads every recipient's view first (asynchronously, on
 * the transaction's connection), then hands them to store/delivery-plan.ts's runDeliveryPlan,
 * so the plan's rules (unknown account, what is added to which copy) are the SQLite ones.
 */
export function pgDeliveryPlan(plan: DeliveryPlan): PrepareDelivery {
  return async (tx: PgWriteContext, deliveries: Delivery[]): Promise<Delivery[]> => {
    const views = new Map<number, Awaited<ReturnType<typeof readView>>>();
    for (const d of deliveries) {
      if (!views.has(d.accountId)) views.set(d.accountId, await readView(tx.client, d.accountId, plan.uid));
    }
    const view = (accountId: number) => views.get(accountId)!;
    return runDeliveryPlan(
      {
        getAccount: (id) => view(id).account,
        listFolders: (id) => view(id).folders,
        findDocByUid: (id) => view(id).docByUid,
      },
      deliveries,
      plan,
    );
  };
}
