import type { Client } from '@temporalio/client';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { z } from 'zod';
import type { CandidaciesTable, Database } from '../../db/schema.js';
import type { ActionPayloads } from '../../domain/candidacy/actions.js';
import { allowedActions, isTerminal, PHASE_LABELS_FR, type Action } from '../../domain/phases.js';
import { isReinforced, resolvePolicy, type ProjectPolicySettings } from '../../domain/policy.js';
import { checkYearlyLimit } from '../../domain/yearly-limit.js';
import { HttpError } from '../problem.js';
import type { ACTION_BODIES } from './action-schemas.js';
import { queryState } from './action-runner.js';
import { resolveCertificationChoice } from './certification-choice.js';

/** Actions whose payload needs Postgres checks before the workflow sees them. */
const CHECKED_IN_POSTGRES: Action[] = [
  'record-information',
  'submit-admissibility',
  'assign-coach',
  'request-transfer',
];

export type ActionBody<A extends Action> = z.infer<(typeof ACTION_BODIES)[A]>;

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
 * Turns a validated request body into the workflow's payload, with what only Postgres knows
 * (the project's offer, operators' roles, the yearly limit across candidacies).
 */
export async function prepareAction<A extends Action>(
  action: A,
  body: ActionBody<A>,
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
      throw new HttpError(
        409,
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
      const b = body as ActionBody<'record-information'>;
      const choice = await resolveCertificationChoice(db, row.project_id, b.rncpCode, b.targetBlocks);
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
      const blocks = await db
        .selectFrom('skill_blocks')
        .select('block_code')
        .where('rncp_code', '=', row.rncp_code)
        .execute();
      const wholeCertification = row.target_blocks.length === blocks.length;
      const past = await db
        .selectFrom('candidacy_events as e')
        .innerJoin('candidacies as c', 'c.id', 'e.candidacy_id')
        .innerJoin('candidates as p', 'p.id', 'c.candidate_id')
        .select(['c.rncp_code', 'e.occurred_at', 'e.payload'])
        .where('e.type', '=', 'admissibility_requested')
        .where('c.id', '!=', row.id)
        .where(
          sql<string>`lower(p.email)`,
          '=',
          db
            .selectFrom('candidates')
            .select(sql<string>`lower(email)`.as('e'))
            .where('id', '=', row.candidate_id),
        )
        .execute();
      const refusal = checkYearlyLimit(
        past.map((p) => ({
          rncpCode: p.rncp_code,
          submittedAt: p.occurred_at.toISOString(),
          wholeCertification: (p.payload as { wholeCertification?: boolean }).wholeCertification === true,
        })),
        { rncpCode: row.rncp_code, wholeCertification },
        await projectPolicy(db, row),
        new Date(),
      );
      if (refusal)
        throw new HttpError(409, refusal.code, refusal.message, {
          phase: live.phase,
          allowedActions: live.allowedActions,
        });
      return { payload: {} as ActionPayloads[A] };
    }
    case 'assign-coach': {
      const b = body as ActionBody<'assign-coach'>;
      if (!(await operatorHoldsRole(db, row.project_id, b.coachOperatorId, 'coaching'))) {
        throw new HttpError(
          400,
          'validation_failed',
          'Cet opérateur n’assure pas l’accompagnement dans ce projet.',
          {
            errors: [
              {
                path: 'body.coachOperatorId',
                code: 'not_a_coaching_operator',
                message: 'Opérateur d’accompagnement inconnu dans ce projet.',
              },
            ],
          },
        );
      }
      return { payload: b as ActionPayloads[A] };
    }
    case 'request-transfer': {
      const b = body as ActionBody<'request-transfer'>;
      const live = await queryState(ctx.temporal, row.workflow_id);
      if (!(await operatorHoldsRole(db, row.project_id, b.toOperatorId, live.responsibleRole))) {
        throw new HttpError(
          400,
          'validation_failed',
          'L’opérateur destinataire doit tenir le même rôle dans ce projet.',
          {
            errors: [
              {
                path: 'body.toOperatorId',
                code: 'role_mismatch',
                message: `Rôle attendu : ${live.responsibleRole}.`,
              },
            ],
          },
        );
      }
      return { payload: b as ActionPayloads[A] };
    }
    default:
      return { payload: body as unknown as ActionPayloads[A] };
  }
}
