import { z } from 'zod';
import { INADMISSIBILITY_REASON_CODES, MISSING_ITEM_CODES } from '../../domain/codes.js';
import { JOB_SITUATIONS, QUALIFICATION_LEVELS } from '../../domain/profile.js';
import {
  COACHING_MODALITIES,
  JURY_CANCELLATION_REASONS,
  TRANSFER_REASON_CODES,
  WITHDRAWAL_REASON_CODES,
} from '../../domain/reason-codes.js';
import { isoDateTime, text, uuid } from '../schemas/text.js';
import { blockCode, employerSchema, rncpCode } from './schemas.js';

const empty = z.object({}).strict();

/** Request bodies of `POST /api/candidacies/:id/<action>`, one per action. */
export const ACTION_BODIES = {
  'record-information': z
    .object({
      eligibilityChecked: z
        .literal(true)
        .meta({ description: 'Le conseiller atteste avoir vérifié l’éligibilité.' }),
      rncpCode: rncpCode(),
      targetBlocks: z
        .union([z.literal('all'), z.array(blockCode()).min(1).max(30)], {
          error: 'Attendu : "all" ou une liste de codes de bloc (par exemple ["RNCP35830BC01"]).',
        })
        .meta({ description: 'Un, plusieurs blocs, ou "all" pour la certification entière.' }),
      profile: z
        .object({ qualificationLevel: z.enum(QUALIFICATION_LEVELS), jobSituation: z.enum(JOB_SITUATIONS) })
        .strict(),
      employer: employerSchema.optional(),
    })
    .strict()
    .meta({ id: 'RecordInformation' }),
  'submit-admissibility': empty.meta({ id: 'SubmitAdmissibility' }),
  'mark-incomplete': z
    .object({ missingItems: z.array(z.enum(MISSING_ITEM_CODES)).min(1).max(MISSING_ITEM_CODES.length) })
    .strict()
    .meta({ id: 'MarkIncomplete' }),
  'complete-file': empty.meta({ id: 'CompleteFile' }),
  'decide-admissibility': z
    .object({
      admissible: z.boolean(),
      reasons: z
        .array(z.enum(INADMISSIBILITY_REASON_CODES))
        .max(INADMISSIBILITY_REASON_CODES.length)
        .default([]),
    })
    .strict()
    .meta({ id: 'DecideAdmissibility' }),
  'assign-coach': z.object({ coachOperatorId: uuid() }).strict().meta({ id: 'AssignCoach' }),
  'log-coaching-session': z
    .object({
      date: isoDateTime(),
      durationMinutes: z.number().int().min(5).max(600),
      modality: z.enum(COACHING_MODALITIES),
    })
    .strict()
    .meta({ id: 'LogCoachingSession' }),
  'submit-validation-file': empty.meta({ id: 'SubmitValidationFile' }),
  'schedule-jury': z
    .object({
      sessionAt: isoDateTime(),
      modality: z.enum(['on_site', 'remote']),
      // One line: the convocation e-mail prints it on its « Lieu : » line.
      place: text({ min: 3, max: 300 }).meta({
        description: 'Adresse du centre d’examen ou lien de la salle virtuelle (une ligne).',
      }),
    })
    .strict()
    .meta({ id: 'ScheduleJury' }),
  'cancel-jury': z
    .object({ reason: z.enum(JURY_CANCELLATION_REASONS) })
    .strict()
    .meta({ id: 'CancelJury' }),
  'record-jury-result': z
    .object({
      outcome: z.enum(['full', 'partial', 'refused', 'absent', 'excused']),
      blocks: z
        .array(z.object({ code: blockCode(), validated: z.boolean() }).strict())
        .max(30)
        .default([]),
    })
    .strict()
    .meta({ id: 'RecordJuryResult' }),
  withdraw: z
    .object({ reason: z.enum(WITHDRAWAL_REASON_CODES) })
    .strict()
    .meta({ id: 'Withdraw' }),
  'request-transfer': z
    .object({ toOperatorId: uuid(), reason: z.enum(TRANSFER_REASON_CODES) })
    .strict()
    .meta({ id: 'RequestTransfer' }),
  'accept-transfer': empty.meta({ id: 'AcceptTransfer' }),
  resume: empty.meta({ id: 'Resume' }),
  'contest-abandonment': empty.meta({ id: 'ContestAbandonment' }),
  archive: empty.meta({ id: 'Archive' }),
} as const;

/** A validated body of an action, the use case's `ActionInput` (checked in action-routes.ts). */
export type ActionBody<A extends keyof typeof ACTION_BODIES> = z.infer<(typeof ACTION_BODIES)[A]>;

export const ACTION_SUMMARIES: Record<keyof typeof ACTION_BODIES, string> = {
  'record-information': 'Enregistrer l’information et le conseil (certification, blocs, profil)',
  'submit-admissibility': 'Déposer la demande de recevabilité auprès du certificateur',
  'mark-incomplete': 'Déclarer le dossier de recevabilité incomplet (certificateur)',
  'complete-file': 'Signaler le dossier complété',
  'decide-admissibility': 'Statuer sur la recevabilité (certificateur)',
  'assign-coach': 'Confier l’accompagnement à un opérateur',
  'log-coaching-session': 'Saisir une séance d’accompagnement',
  'submit-validation-file': 'Déposer le dossier de validation',
  'schedule-jury': 'Programmer (ou déplacer) la session de jury',
  'cancel-jury': 'Annuler la convocation au jury (retour en attente de session, délais inchangés)',
  'record-jury-result': 'Saisir le résultat du jury',
  withdraw: 'Enregistrer le retrait du candidat',
  'request-transfer': 'Demander le transfert à un autre opérateur du même rôle',
  'accept-transfer': 'Accepter un transfert (opérateur destinataire)',
  resume: 'Enregistrer la reprise d’activité du candidat (réponse à une relance)',
  'contest-abandonment': 'Contester la proposition d’abandon',
  archive: 'Archiver la candidature',
};
