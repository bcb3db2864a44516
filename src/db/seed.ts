import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { generateToken, hashToken } from '../app/admin/api-tokens.js';
import type { Database } from './schema.js';
import { DEMO } from './demo-data.js';

export type DemoTokens = Record<string, string>;

/**
 * Seeds the demo project. Idempotent: rows are inserted with ON CONFLICT DO NOTHING and the
 * demo tokens are kept in a git-ignored file so a second run prints the same ones.
 */
export async function seedDemo(
  db: Kysely<Database>,
  opts: { tokensFile?: string } = {},
): Promise<DemoTokens> {
  await db.transaction().execute(async (trx) => {
    for (const project of [DEMO.project, DEMO.fastProject]) {
      await trx
        .insertInto('projects')
        .values({
          id: project.id,
          name: project.name,
          lead_user_id: null,
          target_publics: [...project.targetPublics],
          policy: JSON.stringify(project.policy),
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    for (const op of DEMO.operators) {
      await trx
        .insertInto('operators')
        .values({ id: op.id, name: op.name, email: op.email })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      for (const role of op.roles) {
        for (const projectId of [DEMO.project.id, DEMO.fastProject.id]) {
          await trx
            .insertInto('project_operators')
            .values({ project_id: projectId, operator_id: op.id, role })
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
      }
    }
    for (const u of DEMO.users) {
      await trx
        .insertInto('users')
        .values({
          id: u.id,
          operator_id: DEMO.operators[u.operator]!.id,
          role: u.role,
          display_name: u.name,
          email: u.email,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    // The lead is a user, who exists only now.
    await trx
      .updateTable('projects')
      .set({ lead_user_id: DEMO.users[4]!.id })
      .where('id', 'in', [DEMO.project.id, DEMO.fastProject.id])
      .where('lead_user_id', 'is', null)
      .execute();
    const certifier = DEMO.operators[2].id;
    for (const c of DEMO.certifications) {
      await trx
        .insertInto('certifications')
        .values({
          rncp_code: c.rncpCode,
          title: c.title,
          certifier_operator_id: certifier,
          silence_rule: c.silenceRule,
        })
        .onConflict((oc) => oc.column('rncp_code').doNothing())
        .execute();
      for (const b of c.blocks) {
        await trx
          .insertInto('skill_blocks')
          .values({ rncp_code: c.rncpCode, block_code: b.code, title: b.title })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
      for (const projectId of [DEMO.project.id, DEMO.fastProject.id]) {
        await trx
          .insertInto('project_certifications')
          .values({ project_id: projectId, rncp_code: c.rncpCode })
          .onConflict((oc) => oc.doNothing())
          .execute();
      }
    }
    for (const m of DEMO.juryMembers) {
      const pool = {
        display_name: m.name,
        email: m.email,
        profile: m.profile,
        gender: m.gender,
        operator_id: DEMO.operators[4].id,
        rncp_codes: [...new Set(m.qualifications.map((q) => q.rncpCode))].sort(),
        qualifications: JSON.stringify(m.qualifications),
        tie_employers: m.ties.employers,
        tie_operator_ids: m.ties.operatorIds,
        tie_user_ids: m.ties.userIds,
        availability: JSON.stringify(m.availability),
        remote: m.remote,
        home_departement: m.homeDepartement,
        fee_cents: m.feeCents,
        travel_cents: m.travelCents,
        yearly_cap: m.yearlyCap,
      };
      // A demo member seeded before the pool had its planning attributes (migration 0009: never
      // edited since, no availability) gets them; one edited through the API is left as it is.
      await trx
        .insertInto('jury_members')
        .values({ id: m.id, ...pool })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet(pool)
            .where(sql<boolean>`jury_members.updated_at = jury_members.created_at`)
            .where(sql<boolean>`jury_members.availability->'weekly' = '[]'::jsonb`),
        )
        .execute();
    }
  });
  return ensureDemoTokens(db, opts.tokensFile);
}

async function ensureDemoTokens(db: Kysely<Database>, tokensFile: string | undefined): Promise<DemoTokens> {
  if (tokensFile && existsSync(tokensFile)) {
    const saved = JSON.parse(readFileSync(tokensFile, 'utf8')) as DemoTokens;
    const hashes = Object.values(saved).map(hashToken);
    const found = hashes.length
      ? await db
          .selectFrom('api_tokens')
          .select('token_hash')
          .where('token_hash', 'in', hashes)
          .where('revoked_at', 'is', null)
          .execute()
      : [];
    if (found.length === DEMO.users.length) return saved;
  }
  const tokens: DemoTokens = {};
  for (const u of DEMO.users) {
    const token = generateToken();
    await db
      .insertInto('api_tokens')
      .values({ id: randomUUID(), user_id: u.id, token_hash: hashToken(token), label: 'démo' })
      .execute();
    tokens[u.role] = token;
  }
  if (tokensFile) {
    mkdirSync(path.dirname(tokensFile), { recursive: true });
    writeFileSync(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  }
  return tokens;
}
