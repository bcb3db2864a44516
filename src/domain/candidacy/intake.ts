import type { Area } from './rules.js';
import { refuse } from './rules.js';

/** Intake: identification (journaled by the workflow at start) and information and advice. */
export interface IntakePayloads {
  'record-information': {
    rncpCode: string;
    targetBlocks: string[];
    wholeCertification: boolean;
    certifierOperatorId: string;
    silenceRule: 'admissible' | 'rejected';
    reinforced: boolean;
  };
}

export const intake: Area<IntakePayloads, never> = {
  actions: {
    'record-information': {
      validate: (_s, p) =>
        p.targetBlocks.length === 0
          ? refuse('no_blocks', 'Au moins un bloc de compétences doit être visé.')
          : null,
      apply(s, p, _ctx, emails) {
        s.phase = 'informed';
        s.rncpCode = p.rncpCode;
        s.targetBlocks = [...p.targetBlocks].sort();
        s.blocks = s.targetBlocks.map((code) => ({ code, status: 'targeted' }));
        s.wholeCertification = p.wholeCertification;
        s.certifierOperatorId = p.certifierOperatorId;
        s.silenceRule = p.silenceRule;
        s.reinforced = p.reinforced;
        emails.push({ template: 'candidate.informed', to: 'candidate', data: { reinforced: p.reinforced } });
        return {
          type: 'informed',
          payload: {
            rncpCode: p.rncpCode,
            targetBlocks: s.targetBlocks,
            wholeCertification: p.wholeCertification,
            reinforced: p.reinforced,
          },
          summary: 'Information et conseil enregistrés',
        };
      },
    },
  },
  clocks: {},
};
