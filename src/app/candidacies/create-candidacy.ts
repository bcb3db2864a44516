import { randomUUID } from 'node:crypto';
import { idempotencyKeyReused, requestHash } from '../idempotency.js';
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { JobSituation, QualificationLevel } from '../../domain/profile.js';
import { asArm } from '../experiment/allocator-store.js';
import { allocateCandidacy, voidAllocation } from '../experiment/allocate.js';
import { Refusal } from '../refusal.js';
import { TEMPORAL_DEADLINES, withDeadline } from '../temporal-deadline.js';
import type { ExperimentArm } from '../../domain/arm.js';
import type { CandidacyInput } from '../../workflows/candidacy/contract.js';
import { enrolmentInput, prepareEnrolment } from './enrol.js';
import { candidacyWorkflowId, startCandidacyWorkflow } from './start-workflow.js';

export interface CreateDeps {
  db: Kysely<Database>;
  temporal: Client;
  taskQueue: string;
  rpcTimeoutMs?: number;
  /** Continue-as-new threshold given to new candidacies (the server may suggest it earlier). */
  maxHistoryEvents?: number;
}

/** Who creates: a user of an operator (an advisor, an outreach officer, the demo seed). */
export interface Creator {
  id: string;
  operatorId: string;
}

/** A new candidacy as the API validated it; its JSON is the request hash of an Idempotency-Key. */
export interface NewCandidacy {
  projectId: string;
  candidate: {
    firstName: string;
    lastName: string;
    email: string;
    phone: string;
    birthYear: number;
    qualificationLevel: QualificationLevel;
    jobSituation: JobSituation;
    /** For conflicts of interest in jury composition; personal data, never given to the workflow. */
    employer?: string | null | undefined;
  };
  rncpCode: string;
  targetBlocks: string[];
}

export interface CreateResult {
  candidacyId: string;
  replayed: boolean;
}

/**
 * Creates a candidacy: its arm, candidate and read-model rows in one transaction, then the
 * workflow. With an Idempotency-Key, a retry returns the same candidacy (and finishes a start
 * that failed, in the arm it was given); without one, a failed start removes the rows so nothing
 * is half-created.
 *
 * The arm: a new candidacy is allocated in that transaction (src/app/experiment/allocate.ts: the
 * project's allocator locked, the next position of its stratum, journaled), so two creations
 * never take the same position and a creation rolled back takes none. A failed start after the
 * commit does not give its position back: the allocation stays in the journal, `void` when the
 * rows are removed. A follow-up candidacy is not allocated: it keeps its parent's arm (the same
 * person's path goes on, in the group they were randomised to).
 *
 * Refusals: `idempotency_key_reused` (conflict), the enrolment's (invalid, conflict) and
 * `workflow_start_failed` (unavailable) when Temporal does not answer.
 */
export async function createCandidacy(
  deps: CreateDeps,
  user: Creator,
  body: NewCandidacy,
  idempotencyKey: string | undefined,
  /** A follow-up candidacy reuses its candidate, points to the candidacy it continues and keeps its arm. */
  link?: { candidateId: string; parentCandidacyId: string; arm: ExperimentArm },
): Promise<CreateResult> {
  const { db } = deps;
  const hash = requestHash(body);
  const actor = { userId: user.id, operatorId: user.operatorId };

  if (idempotencyKey) {
    const existing = await db
      .selectFrom('candidacies')
      .select(['id', 'request_hash', 'started', 'arm'])
      .where('created_by', '=', user.id)
      .where('idempotency_key', '=', idempotencyKey)
      .executeTakeFirst();
    if (existing) {
      if (existing.request_hash !== hash) {
        throw idempotencyKeyReused();
      }
      if (!existing.started) await startAndMark(deps, existing.id, body, actor, true, asArm(existing.arm));
      return { candidacyId: existing.id, replayed: true };
    }
  }

  const candidacyId = randomUUID();
  const prepared = await prepareEnrolment(db, {
    ...enrolmentFields(body),
    candidacyId,
    createdBy: actor,
  });
  const candidateId = link?.candidateId ?? randomUUID();
  let input: CandidacyInput;
  try {
    input = await db.transaction().execute(async (trx) => {
      if (!link)
        await trx
          .insertInto('candidates')
          .values({
            id: candidateId,
            first_name: body.candidate.firstName,
            last_name: body.candidate.lastName,
            email: body.candidate.email,
            phone: body.candidate.phone,
            birth_year: body.candidate.birthYear,
            qualification_level: body.candidate.qualificationLevel,
            job_situation: body.candidate.jobSituation,
            employer: body.candidate.employer ?? null,
          })
          .execute();
      // The project's allocator is locked from here to the commit: the rows that need the arm only.
      const arm =
        link?.arm ??
        (
          await allocateCandidacy(trx, {
            projectId: body.projectId,
            candidacyId,
            facts: prepared.stratumFacts,
          })
        ).arm;
      const input = enrolmentInput(prepared, arm);
      await trx
        .insertInto('candidacies')
        .values({
          id: candidacyId,
          candidate_id: candidateId,
          project_id: input.projectId,
          rncp_code: input.initial.rncpCode,
          target_blocks: input.initial.targetBlocks,
          arm: input.arm,
          reinforced: input.initial.reinforced,
          phase: 'identified',
          waiting_on: `advice:${input.initial.adviceOperatorId}`,
          operator_id: input.initial.adviceOperatorId,
          advice_operator_id: input.initial.adviceOperatorId,
          certifier_operator_id: input.initial.certifierOperatorId,
          workflow_id: candidacyWorkflowId(candidacyId),
          created_by: user.id,
          parent_candidacy_id: link?.parentCandidacyId ?? null,
          idempotency_key: idempotencyKey ?? null,
          request_hash: hash,
          updated_at: new Date(),
        })
        .execute();
      await trx
        .insertInto('candidacy_operators')
        .values([
          { candidacy_id: candidacyId, operator_id: input.initial.adviceOperatorId, role: 'advice' },
          { candidacy_id: candidacyId, operator_id: input.initial.certifierOperatorId, role: 'certifier' },
        ])
        .execute();
      return input;
    });
  } catch (err) {
    // Two identical requests raced on the same key: the other one won, answer with it.
    if ((err as { code?: string }).code === '23505' && idempotencyKey) {
      return createCandidacy(deps, user, body, idempotencyKey, link);
    }
    throw err;
  }

  await startAndMark(
    deps,
    candidacyId,
    body,
    actor,
    Boolean(idempotencyKey),
    input.arm,
    input,
    link ? undefined : candidateId,
  );
  return { candidacyId, replayed: false };
}

function enrolmentFields(body: NewCandidacy) {
  return {
    // The person by their e-mail: the blocks they acquired in any candidacy are out of reach.
    person: { email: body.candidate.email },
    projectId: body.projectId,
    rncpCode: body.rncpCode,
    targetBlocks: body.targetBlocks,
    profile: {
      qualificationLevel: body.candidate.qualificationLevel,
      jobSituation: body.candidate.jobSituation,
    },
  };
}

async function startAndMark(
  deps: CreateDeps,
  candidacyId: string,
  body: NewCandidacy,
  actor: { userId: string; operatorId: string },
  keepOnFailure: boolean,
  /** The arm the candidacy was given at creation (a retry finishes the start in it, never re-allocates). */
  arm: ExperimentArm,
  prepared?: CandidacyInput,
  candidateId?: string,
): Promise<void> {
  const input = {
    ...(prepared ??
      enrolmentInput(
        await prepareEnrolment(deps.db, { ...enrolmentFields(body), candidacyId, createdBy: actor }),
        arm,
      )),
    ...(deps.maxHistoryEvents ? { maxHistoryEvents: deps.maxHistoryEvents } : {}),
  };
  try {
    // A bounded wait: when Temporal is unreachable the client answers 503, never hangs.
    await withDeadline(deps.temporal, deps.rpcTimeoutMs ?? TEMPORAL_DEADLINES.startMs, () =>
      startCandidacyWorkflow(deps.temporal, deps.taskQueue, input),
    );
  } catch (err) {
    if (!keepOnFailure && candidateId) {
      await deps.db.transaction().execute(async (trx) => {
        // The position stays used (later creations may hold the next ones): journaled as void.
        await voidAllocation(trx, candidacyId, 'workflow_start_failed');
        await trx.deleteFrom('candidacy_operators').where('candidacy_id', '=', candidacyId).execute();
        await trx.deleteFrom('candidacies').where('id', '=', candidacyId).execute();
        await trx.deleteFrom('candidates').where('id', '=', candidateId).execute();
      });
    }
    throw Refusal.unavailable(
      'workflow_start_failed',
      keepOnFailure
        ? 'Le moteur de workflows est indisponible : la candidature n’est pas encore démarrée. Réessayez avec la même clé Idempotency-Key.'
        : 'Le moteur de workflows est indisponible : rien n’a été enregistré. Réessayez plus tard.',
      { cause: (err as Error).message },
    );
  }
  await deps.db.updateTable('candidacies').set({ started: true }).where('id', '=', candidacyId).execute();
}
