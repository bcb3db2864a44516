import type { ActionRefusal } from './effects.js';
import type { Area } from './rules.js';
import { refuse } from './rules.js';
import type { CandidacyState, JuryOutcome } from './state.js';

/** Result: the jury's decision on each targeted block. */
export interface ResultPayloads {
  'record-jury-result': { outcome: JuryOutcome; blocks: { code: string; validated: boolean }[] };
}

function validateJuryResult(
  s: CandidacyState,
  p: ResultPayloads['record-jury-result'],
  now: Date,
): ActionRefusal | null {
  const session = s.jury?.session;
  if (s.phase === 'jury_scheduled' && session && Date.parse(session.at) > now.getTime()) {
    return refuse('jury_not_held', 'Le résultat ne peut être saisi qu’après la session de jury.');
  }
  const targeted = new Set(s.blocks.filter((b) => b.status === 'targeted').map((b) => b.code));
  const given = new Set(p.blocks.map((b) => b.code));
  const validated = p.blocks.filter((b) => b.validated).length;
  if (p.outcome === 'absent' || p.outcome === 'excused') {
    return validated > 0
      ? refuse('inconsistent_result', 'Un candidat absent ou excusé ne peut valider de bloc.')
      : null;
  }
  if (given.size !== targeted.size || [...given].some((c) => !targeted.has(c))) {
    return refuse(
      'blocks_mismatch',
      `Le résultat doit porter sur chacun des blocs visés : ${[...targeted].join(', ')}.`,
    );
  }
  const expected: Record<string, boolean> = {
    full: validated === targeted.size,
    partial: validated > 0 && validated < targeted.size,
    refused: validated === 0,
  };
  if (!expected[p.outcome]) {
    return refuse(
      'inconsistent_result',
      `Le résultat « ${p.outcome} » ne correspond pas aux blocs validés (${validated}/${targeted.size}).`,
    );
  }
  return null;
}

export const result: Area<ResultPayloads, never> = {
  actions: {
    'record-jury-result': {
      validate: (s, p, { now }) => validateJuryResult(s, p, now),
      apply(s, { outcome, blocks }, { now }, emails) {
        if (outcome === 'excused') {
          // Excused: a new session must be scheduled, the candidacy goes back to the certifier.
          s.phase = 'validation_file_submitted';
          s.jury!.session = null;
          emails.push({
            template: 'candidate.result',
            to: 'candidate',
            data: { outcome, validatedBlocks: [], remainingBlocks: s.targetBlocks },
          });
          return {
            type: 'jury_result_recorded',
            payload: { outcome, validatedBlocks: [], remainingBlocks: [...s.targetBlocks] },
            summary: 'Candidat excusé : jury à reprogrammer',
          };
        }
        const validated = new Set(blocks.filter((b) => b.validated).map((b) => b.code));
        s.blocks = s.blocks.map((b) =>
          b.status === 'targeted'
            ? { code: b.code, status: validated.has(b.code) ? 'validated' : 'not_validated' }
            : b,
        );
        s.phase = 'result';
        s.result = { outcome, decidedAt: now.toISOString() };
        const validatedBlocks = s.blocks.filter((b) => b.status === 'validated').map((b) => b.code);
        const remainingBlocks = s.blocks.filter((b) => b.status === 'not_validated').map((b) => b.code);
        const data = { outcome, validatedBlocks, remainingBlocks };
        emails.push(
          { template: 'candidate.result', to: 'candidate', data },
          { template: 'advisor.result', to: 'advisor', data },
        );
        if (s.coachOperatorId) emails.push({ template: 'coach.result', to: 'coach', data });
        return {
          type: 'jury_result_recorded',
          payload: { outcome, validatedBlocks, remainingBlocks },
          summary: `Résultat du jury : ${outcome}`,
        };
      },
    },
  },
  clocks: {},
};
