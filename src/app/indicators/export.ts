import type { Kysely } from 'kysely';
import { projectSecrets } from '../../db/experiment-secrets.js';
import type { Database } from '../../db/schema.js';
import { parisYear } from '../../domain/paris-time.js';
import { Refusal } from '../refusal.js';
import { ageBand } from './age-band.js';
import { toCsv, type CsvSeparator } from './csv.js';
import { EXPORT_COLUMNS, type ExportRecord } from './dictionary.js';
import { loadCandidacyFacts, type CandidacyFacts } from './facts.js';
import { exitOf, FUNNEL_STEPS, furthestStep } from './funnel.js';
import { pseudonym } from './pseudonym.js';

/**
 * The pseudonymised candidate-level export for evaluators: one row per candidacy of the project,
 * keyed by a pseudonym (HMAC of the id with the project's secret key), with the strata, the
 * profile in bands, the steps as days from identification, the outcome and the durations. It is
 * built from the indicators' facts (src/app/indicators/facts.ts), which read no name, contact or
 * employer; ids stay inside. Rows are sorted by pseudonym, so their order says nothing of when
 * candidacies were created.
 */
const DAY_MS = 86_400_000;
const days = (from: number, to: number | null) =>
  to === null ? null : Math.round(((to - from) / DAY_MS) * 100) / 100;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function exportRecord(
  f: CandidacyFacts,
  ctx: { pseudonymKey: string; operatorNames: ReadonlyMap<string, string>; asOf: number },
): ExportRecord {
  const waiting = Object.values(f.waiting);
  const r = f.reminders;
  return {
    pseudonym: pseudonym(ctx.pseudonymKey, f.id),
    arm: f.arm,
    reinforced: f.reinforced,
    scope: f.scope,
    rncpCode: f.rncpCode,
    adviceOperator: f.adviceOperatorId ? (ctx.operatorNames.get(f.adviceOperatorId) ?? '') : '',
    ageBand: ageBand(f.birthYear, parisYear(new Date(f.identifiedAt))),
    qualificationLevel: f.qualificationLevel,
    jobSituation: f.jobSituation,
    identificationMonth: f.period,
    furthestStep: FUNNEL_STEPS[furthestStep(f)]!,
    phase: f.phase,
    exit: exitOf(f),
    admissibility:
      f.admissible === null
        ? null
        : `${f.implicitDecision ? 'implicit' : 'explicit'}_${f.admissible ? 'admissible' : 'rejected'}`,
    juryOutcome: f.lastOutcome,
    juryRemote: f.juryRemote,
    targetedBlocks: f.targetedBlocks,
    validatedBlocks: f.validatedBlocks,
    certificationObtained: f.certificationObtained,
    days: {
      informed: days(f.identifiedAt, f.informedAt),
      requested: days(f.identifiedAt, f.requestedAt),
      decided: days(f.identifiedAt, f.decidedAt),
      coachAssigned: days(f.identifiedAt, f.coachAssignedAt),
      validationFile: days(f.identifiedAt, f.validationFileAt),
      presented: days(f.identifiedAt, f.presentedAt),
      closed: days(f.identifiedAt, f.closedAt),
    },
    observedDays: days(f.identifiedAt, f.closedAt ?? ctx.asOf)!,
    candidateWaitingDays: Math.round((sum(waiting.map((w) => w.candidateMs)) / DAY_MS) * 100) / 100,
    operatorWaitingDays: Math.round((sum(waiting.map((w) => w.operatorMs)) / DAY_MS) * 100) / 100,
    candidateReminders: r.incompleteFile + r.inactivity + r.jury,
    operatorReminders: r.admissibilityWarning + r.result + r.juryEscalation,
    phaseHandoffs: f.phaseHandoffs,
    transfers: f.transfersRequested,
  };
}

export interface ExportQuery {
  projectId: string;
  from?: string | undefined;
  to?: string | undefined;
  asOf?: Date;
}

export async function candidateExport(db: Kysely<Database>, q: ExportQuery): Promise<ExportRecord[]> {
  const project = await db
    .selectFrom('projects')
    .select('id')
    .where('id', '=', q.projectId)
    .executeTakeFirst();
  if (!project) throw Refusal.notFound('project_not_found', `Aucun projet ${q.projectId}.`);
  const asOf = q.asOf ?? new Date();
  const [facts, secrets, operators] = await Promise.all([
    loadCandidacyFacts(db, { projectId: q.projectId, from: q.from, to: q.to, asOf }),
    projectSecrets(db, q.projectId),
    db.selectFrom('operators').select(['id', 'name']).execute(),
  ]);
  const ctx = {
    pseudonymKey: secrets.pseudonymKey,
    operatorNames: new Map(operators.map((o) => [o.id, o.name])),
    asOf: asOf.getTime(),
  };
  return facts
    .map((f) => exportRecord(f, ctx))
    .sort((a, b) => (a.pseudonym < b.pseudonym ? -1 : a.pseudonym > b.pseudonym ? 1 : 0));
}

export function exportCsv(records: readonly ExportRecord[], separator: CsvSeparator): string {
  return toCsv(
    EXPORT_COLUMNS.map((c) => c.name),
    records.map((r) => EXPORT_COLUMNS.map((c) => c.value(r))),
    { separator },
  );
}
