import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EmailContext } from '../notifications/context.js';
import { CANDIDATE_STATUS_LINK } from '../signed-links.js';
import type { ActivityDeps } from './deps.js';

/** Who receives an e-mail, by id only: addresses are looked up here, never carried in history. */
export type Recipient =
  | { kind: 'candidate' }
  | { kind: 'operator'; operatorId: string }
  | { kind: 'user'; userId: string }
  | { kind: 'jury_member'; juryMemberId: string };

/** How long the link to the candidate's status page, in each of their e-mails, stays valid. */
export const CANDIDATE_STATUS_LINK_DAYS = 60;

/**
 * The link to a candidate's status page: `<public URL>/candidat/<token>`, the token signed for the
 * candidacy's id (nothing personal in it) and valid CANDIDATE_STATUS_LINK_DAYS from `now`.
 */
export function candidateStatusLink(
  links: NonNullable<ActivityDeps['links']>,
  candidacyId: string,
  now: Date,
): string {
  const expiresAt = new Date(now.getTime() + CANDIDATE_STATUS_LINK_DAYS * 24 * 3600 * 1000);
  return `${links.publicUrl.replace(/\/+$/, '')}/candidat/${links.signer.sign(CANDIDATE_STATUS_LINK, candidacyId, expiresAt)}`;
}

export async function loadEmailContext(
  db: Kysely<Database>,
  candidacyId: string,
  recipient: Recipient,
  data: EmailContext['data'],
  /** Given, every e-mail to the candidate carries the signed link to their status page. */
  opts: { links?: ActivityDeps['links']; now?: Date } = {},
): Promise<{ address: string; context: EmailContext } | undefined> {
  const row = await db
    .selectFrom('candidacies as c')
    .innerJoin('candidates as p', 'p.id', 'c.candidate_id')
    .innerJoin('certifications as cert', 'cert.rncp_code', 'c.rncp_code')
    .select([
      'c.id',
      'c.rncp_code',
      'c.target_blocks',
      'p.first_name',
      'p.last_name',
      'p.email',
      'cert.title as certification_title',
    ])
    .where('c.id', '=', candidacyId)
    .executeTakeFirst();
  if (!row) return undefined;

  const blocks = await db
    .selectFrom('skill_blocks')
    .select(['block_code', 'title'])
    .where('rncp_code', '=', row.rncp_code)
    .where('block_code', 'in', row.target_blocks.length ? row.target_blocks : [''])
    .orderBy('block_code')
    .execute();

  const recipientInfo = await resolveRecipient(db, recipient, row);
  if (!recipientInfo) return undefined;

  const operatorIds = Object.values(data).filter(
    (v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v),
  );
  const operators = operatorIds.length
    ? await db.selectFrom('operators').select(['id', 'name']).where('id', 'in', operatorIds).execute()
    : [];

  return {
    address: recipientInfo.address,
    context: {
      recipientName: recipientInfo.name,
      candidacyId,
      candidate: { firstName: row.first_name, lastName: row.last_name },
      certification: { rncpCode: row.rncp_code, title: row.certification_title },
      blocks: blocks.map((b) => ({ code: b.block_code, title: b.title })),
      data,
      operatorNames: Object.fromEntries(operators.map((o) => [o.id, o.name])),
      ...(recipient.kind === 'candidate' && opts.links
        ? { statusLink: candidateStatusLink(opts.links, candidacyId, opts.now ?? new Date()) }
        : {}),
    },
  };
}

async function resolveRecipient(
  db: Kysely<Database>,
  recipient: Recipient,
  candidate: { first_name: string; last_name: string; email: string },
): Promise<{ address: string; name: string } | undefined> {
  switch (recipient.kind) {
    case 'candidate':
      return { address: candidate.email, name: `${candidate.first_name} ${candidate.last_name}` };
    case 'operator': {
      const op = await db
        .selectFrom('operators')
        .select(['name', 'email'])
        .where('id', '=', recipient.operatorId)
        .executeTakeFirst();
      return op && { address: op.email, name: op.name };
    }
    case 'user': {
      const u = await db
        .selectFrom('users')
        .select(['display_name', 'email'])
        .where('id', '=', recipient.userId)
        .executeTakeFirst();
      return u && { address: u.email, name: u.display_name };
    }
    case 'jury_member': {
      const m = await db
        .selectFrom('jury_members')
        .select(['display_name', 'email'])
        .where('id', '=', recipient.juryMemberId)
        .executeTakeFirst();
      return m && { address: m.email, name: m.display_name };
    }
  }
}
