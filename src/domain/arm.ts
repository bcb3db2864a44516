/**
 * Experiment arms. The assignment is reproducible: the same project and candidacy always
 * land in the same arm (FNV-1a hash, pure so it runs anywhere, workflows included).
 */
export const EXPERIMENT_ARMS = ['test', 'control'] as const;
export type ExperimentArm = (typeof EXPERIMENT_ARMS)[number];

function fnv1a(input: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    hash ^= input.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function assignArm(projectId: string, candidacyId: string, testShare: number): ExperimentArm {
  const bucket = fnv1a(`${projectId}:${candidacyId}`) / 0x1_0000_0000;
  return bucket < testShare ? 'test' : 'control';
}
