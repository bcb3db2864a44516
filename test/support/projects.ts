import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import { DEMO } from '../../src/db/demo-data.js';
import type { PolicyOverrides } from '../../src/domain/policy.js';
import { generateToken, hashToken } from '../../src/app/admin/api-tokens.js';

/**
 * A project like the demo one (same operators, certifications and lead) but with its own
 * policy, e.g. every duration compressed to seconds so a test sees clocks run out.
 */
export async function createProjectWithPolicy(
  db: Kysely<Database>,
  overrides: PolicyOverrides,
): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('operators')
      .values({
        id: SECOND_ADVICE_OPERATOR,
        name: 'Second point conseil',
        email: 'conseil2@demo.parcours-vae.local',
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    await trx
      .insertInto('projects')
      .values({
        id,
        name: `Projet de test ${id.slice(0, 8)}`,
        lead_user_id: DEMO.users[4]!.id,
        policy: JSON.stringify({ overrides, arms: {} }),
      })
      .execute();
    const operators = await trx
      .selectFrom('project_operators')
      .selectAll()
      .where('project_id', '=', DEMO.project.id)
      .execute();
    for (const o of operators)
      await trx
        .insertInto('project_operators')
        .values({ ...o, project_id: id })
        .execute();
    const certs = await trx
      .selectFrom('project_certifications')
      .selectAll()
      .where('project_id', '=', DEMO.project.id)
      .execute();
    for (const c of certs)
      await trx
        .insertInto('project_certifications')
        .values({ ...c, project_id: id })
        .execute();
    await trx
      .insertInto('project_operators')
      .values({ project_id: id, operator_id: SECOND_ADVICE_OPERATOR, role: 'advice' })
      .execute();
  });
  return id;
}

/** Every duration of the path in seconds: a whole path runs in a few seconds. */
export const COMPRESSED: PolicyOverrides = {
  admissibilityDecisionDeadline: { seconds: 4 },
  admissibilityWarningShare: 0.5,
  admissibilityWarningBefore: { seconds: 1 },
  incompleteFileCompletionDelay: { seconds: 4 },
  incompleteFileReminderBefore: { seconds: 2 },
  coachingStartDeadline: { seconds: 60 },
  inactivityReminderStandard: { seconds: 60 },
  inactivityReminderReinforced: { seconds: 60 },
  remindersBeforeAbandonment: 3,
  abandonmentContestDelay: { seconds: 3 },
  juryDeadlineAfterValidationFile: { seconds: 60 },
  juryEscalationBefore: { seconds: 30 },
  convocationLeadTime: { seconds: 1 },
  juryReminderBefore: { seconds: 2 },
  resultReminderAfter: { seconds: 1 },
  resultNotificationDeadline: { seconds: 30 },
  transferAcceptanceDelay: { seconds: 60 },
};

/** An extra advice operator in test projects, to hand candidacies over to. */
export const SECOND_ADVICE_OPERATOR = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0999';

/** A user of an operator with a fresh API token (what the admin command will do). */
export async function createUserWithToken(
  db: Kysely<Database>,
  operatorId: string,
  role: string,
): Promise<string> {
  const userId = randomUUID();
  await db
    .insertInto('users')
    .values({
      id: userId,
      operator_id: operatorId,
      role,
      display_name: `Utilisateur ${role}`,
      email: `${userId}@demo.parcours-vae.local`,
    })
    .execute();
  const token = generateToken();
  await db
    .insertInto('api_tokens')
    .values({ id: randomUUID(), user_id: userId, token_hash: hashToken(token), label: 'test' })
    .execute();
  return token;
}

export const OPERATORS = {
  lead: DEMO.operators[0]!.id,
  advice: DEMO.operators[1]!.id,
  certifier: DEMO.operators[2]!.id,
  coaching: DEMO.operators[3]!.id,
  jury: DEMO.operators[4]!.id,
};
