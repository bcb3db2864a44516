import type { Client } from '@temporalio/client';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { CandidaciesTable, Database } from '../../db/schema.js';
import type { ActionPayloads } from '../../domain/candidacy/actions.js';
import { allowedActions, isTerminal, PHASE_LABELS_FR, type Action } from '../../domain/phases.js';
import { parisYear } from '../../domain/paris-time.js';
import type { CandidateProfile } from '../../domain/profile.js';
import { isReinforced, resolvePolicy, type Policy, type ProjectPolicySettings } from '../../domain/policy.js';
import { checkYearlyLimit, isWholeCertificationRequest } from '../../domain/yearly-limit.js';
import { personKey } from '../../db/person.js';
import { Refusal } from '../refusal.js';
import { acquiredBlocksOf } from '../../db/acquired-blocks.js';
import { resolveCertificationChoice } from './certification-choice.js';
import { queryState } from './run-action.js';
import { TEMPORAL_DEADLINES } from '../temporal-deadline.js';

/** Actions whose payload needs Postgres checks before the workflow sees them. */
const CHECKED_IN_POSTGRES: Action[] = [
  'record-information',
  'submit-admissibility',
  'assign-coach',
  'request-transfer',
];

/**
 * What the caller asks for each action: the workflow's payload as is, except `record-information`,
 * whose certification choice (a block list or "all") and profile Postgres turns into the payload.
 */
export type ActionInput<A extends Action> = A extends 'record-information'
  ? {
      rncpCode: string;
      targetBlocks: string[] | 'all';
      profile: CandidateProfile;
      /** Personal data: written to the candidate once the Update is accepted, never in the payload. */
      employer?: string | null | undefined;
    }
  : ActionPayloads[A];

interface Ctx {
  db: Kysely<Database>;
  temporal: Client;
  row: Selectable<CandidaciesTable>;
  /**
   * The request carries an Idempotency-Key, so it may repeat one already applied: the phase
   * pre-check is skipped (the phase has moved on since), Temporal answers a repeat with the
   * first outcome, and the Update's validator judges a new one.
   */
  replay?: boolean;
}

export interface PreparedAction<A extends Action> {
  payload: ActionPayloads[A];
  /** Postgres writes that must happen only once the workflow accepted the action. */
  after?: () => Promise<void>;
  /** Undoes what was written before the Update, when the workflow refused it or did not answer. */
  undo?: () => Promise<void>;
}

async function projectPolicy(db: Kysely<Database>, row: Selectable<CandidaciesTable>) {
  const project = await db
    .selectFrom('projects')
    .select('policy')
    .where('id', '=', row.project_id)
    .executeTakeFirstOrThrow();
  return resolvePolicy(project.policy as ProjectPolicySettings, row.arm === 'test' ? 'test' : 'control');
}

function phaseFromReadModel(row: Selectable<CandidaciesTable>) {
  return {
    phase: row.phase,
    phaseLabel: PHASE_LABELS_FR[row.phase],
    allowedActions: isTerminal(row.phase)
      ? []
      : allowedActions(row.phase, { transferPending: row.transfer_to_operator_id !== null }),
  };
}

async function operatorHoldsRole(db: Kysely<Database>, projectId: string, operatorId: string, role: string) {
  const found = await db
    .selectFrom('project_operators')
    .select('operator_id')
    .where('project_id', '=', projectId)
    .where('operator_id', '=', operatorId)
    .where('role', '=', role)
    .executeTakeFirst();
  return found !== undefined;
}

/**
 * Turns a validated request into the workflow's payload, with what only Postgres knows
 * (the project's offer, operators' roles, the yearly limit across candidacies).
 *
 * Refusals: `action_not_allowed` or `candidacy_closed` (conflict, with the phase and the allowed
 * actions) before any check; then the certification choice's, the yearly limit's (conflict), an
 * operator without the role (invalid).
 */
export async function prepareAction<A extends Action>(
  action: A,
  body: ActionInput<A>,
  ctx: Ctx,
): Promise<PreparedAction<A>> {
  const { db, row } = ctx;
  if (CHECKED_IN_POSTGRES.includes(action) && !ctx.replay) {
    // The phase comes first: an action the phase does not allow gets the same 409 as
    // everywhere, not a refusal from a check that would not apply. The read model is enough
    // (and costs no workflow task): the journal updates it before an Update answers, and the
    // Update's validator stays the judge if a clock changed the phase in between.
    const live = phaseFromReadModel(row);
    if (!live.allowedActions.includes(action)) {
      throw Refusal.conflict(
        live.allowedActions.length ? 'action_not_allowed' : 'candidacy_closed',
        live.allowedActions.length
          ? `L’action « ${action} » n’est pas possible en phase « ${live.phaseLabel} ».`
          : 'Cette candidature est close : aucune action n’est plus possible.',
        { phase: live.phase, allowedActions: live.allowedActions },
      );
    }
  }
  switch (action) {
    case 'record-information': {
      const b = body as ActionInput<'record-information'>;
      const live = phaseFromReadModel(row);
      // Blocks this person acquired (validated by a jury, in any candidacy) cannot be targeted again.
      const choice = await resolveCertificationChoice(db, row.project_id, b.rncpCode, b.targetBlocks, {
        person: { candidateId: row.candidate_id },
        refusal: { phase: live.phase, allowedActions: live.allowedActions },
      });
      const reinforced = isReinforced(b.profile, await projectPolicy(db, row));
      const payload: ActionPayloads['record-information'] = { ...choice, reinforced };
      return {
        payload: payload as ActionPayloads[A],
        after: async () => {
          await db.transaction().execute(async (trx) => {
            await trx
              .updateTable('candidates')
              .set({
                qualification_level: b.profile.qualificationLevel,
                job_situation: b.profile.jobSituation,
                // Absent, the employer recorded stays; null removes it.
                ...(b.employer !== undefined ? { employer: b.employer } : {}),
              })
              .where('id', '=', row.candidate_id)
              .execute();
            await trx
              .updateTable('candidacies')
              .set({ rncp_code: choice.rncpCode, target_blocks: choice.targetBlocks })
              .where('id', '=', row.id)
              .execute();
          });
        },
      };
    }
    case 'submit-admissibility': {
      // record-information wrote the chosen certification and blocks to the row once accepted.
      const live = phaseFromReadModel(row);
      const [blocks, acquired, policy] = await Promise.all([
        db.selectFrom('skill_blocks').select('block_code').where('rncp_code', '=', row.rncp_code).execute(),
        acquiredBlocksOf(db, row.candidate_id, row.rncp_code),
        projectPolicy(db, row),
      ]);
      const wholeCertification = isWholeCertificationRequest({
        targetedBlocks: row.target_blocks.length,
        certificationBlocks: blocks.length,
        acquiredBlocks: acquired.length,
      });
      const refusal = await reserveAdmissibilityRequest(db, row, {
        wholeCertification,
        policy,
        now: new Date(),
        replay: ctx.replay === true,
      });
      if (refusal)
        throw Refusal.conflict(refusal.code, refusal.message, {
          phase: live.phase,
          allowedActions: live.allowedActions,
        });
      return {
        payload: {} as ActionPayloads[A],
        undo: () => releaseAdmissibilityRequest(db, row.id),
      };
    }
    case 'assign-coach': {
      const b = body as ActionInput<'assign-coach'>;
      if (!(await operatorHoldsRole(db, row.project_id, b.coachOperatorId, 'coaching'))) {
        throw Refusal.invalid('Cet opérateur n’assure pas l’accompagnement dans ce projet.', [
          {
            path: 'body.coachOperatorId',
            code: 'not_a_coaching_operator',
            message: 'Opérateur d’accompagnement inconnu dans ce projet.',
          },
        ]);
      }
      return { payload: b as ActionPayloads[A] };
    }
    case 'request-transfer': {
      const b = body as ActionInput<'request-transfer'>;
      const live = await queryState(ctx.temporal, row.workflow_id, TEMPORAL_DEADLINES.decisionQueryMs);
      if (!(await operatorHoldsRole(db, row.project_id, b.toOperatorId, live.responsibleRole))) {
        throw Refusal.invalid('L’opérateur destinataire doit tenir le même rôle dans ce projet.', [
          {
            path: 'body.toOperatorId',
            code: 'role_mismatch',
            message: `Rôle attendu : ${live.responsibleRole}.`,
          },
        ]);
      }
      return { payload: b as ActionPayloads[A] };
    }
    default:
      return { payload: body as unknown as ActionPayloads[A] };
  }
}

/** Namespace of the per-candidate advisory locks of the yearly limit (first key of the pair). */
const YEARLY_LIMIT_LOCK = 64_123;

/**
 * The yearly limit (R. 6412-3), checked and reserved atomically: under a per-person advisory lock
 * (the person of src/db/person.ts, as creation makes a new candidate row each time), the
 * requests of the Paris calendar year are read and, when the new one is allowed, it is written in the
 * same transaction. Two requests at the same moment thus see each other: one waits for the other's
 * reservation. The reservation is committed before the Update is sent (the workflow's journal writes
 * to the same table), and `releaseAdmissibilityRequest` removes it if the Update does not go through.
 * A replay (Idempotency-Key) of a request already reserved is not counted again.
 */
async function reserveAdmissibilityRequest(
  db: Kysely<Database>,
  row: Selectable<CandidaciesTable>,
  opts: { wholeCertification: boolean; policy: Policy; now: Date; replay: boolean },
) {
  return db.transaction().execute(async (trx) => {
    const { key } = await trx
      .selectFrom('candidates')
      .select(personKey(sql.ref('email')).as('key'))
      .where('id', '=', row.candidate_id)
      .executeTakeFirstOrThrow();
    await sql`select pg_advisory_xact_lock(${YEARLY_LIMIT_LOCK}::integer, hashtext(${key}))`.execute(trx);
    if (opts.replay) {
      const reserved = await trx
        .selectFrom('admissibility_requests')
        .select('candidacy_id')
        .where('candidacy_id', '=', row.id)
        .executeTakeFirst();
      if (reserved) return null;
    }
    const year = parisYear(opts.now);
    const past = await trx
      .selectFrom('admissibility_requests')
      .select(['rncp_code', 'created_at', 'whole_certification'])
      .where('candidate_key', '=', key)
      .where('year', '=', year)
      .where('candidacy_id', '!=', row.id)
      .execute();
    const refusal = checkYearlyLimit(
      past.map((p) => ({
        rncpCode: p.rncp_code,
        submittedAt: p.created_at.toISOString(),
        wholeCertification: p.whole_certification,
      })),
      { rncpCode: row.rncp_code, wholeCertification: opts.wholeCertification },
      opts.policy,
      opts.now,
    );
    if (refusal) return refusal;
    const reservation = {
      candidate_key: key,
      rncp_code: row.rncp_code,
      whole_certification: opts.wholeCertification,
      year,
      created_at: opts.now,
    };
    // One request per candidacy: a leftover of an attempt that never reached the workflow is replaced.
    await trx
      .insertInto('admissibility_requests')
      .values({ candidacy_id: row.id, ...reservation })
      .onConflict((oc) => oc.column('candidacy_id').doUpdateSet(reservation))
      .execute();
    return null;
  });
}

/**
 * Removes the reservation of a request the workflow did not accept, unless the journal holds the
 * request (accepted after all, or by an earlier attempt). The candidacy row is locked first, as the
 * journal activity does before writing the request: whichever comes second sees the other's write.
 */
async function releaseAdmissibilityRequest(db: Kysely<Database>, candidacyId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.selectFrom('candidacies').select('id').where('id', '=', candidacyId).forNoKeyUpdate().execute();
    await trx
      .deleteFrom('admissibility_requests')
      .where('candidacy_id', '=', candidacyId)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('candidacy_events')
              .select('candidacy_events.id')
              .where('candidacy_events.candidacy_id', '=', candidacyId)
              .where('candidacy_events.type', '=', 'admissibility_requested'),
          ),
        ),
      )
      .execute();
  });
}
