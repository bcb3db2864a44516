/**
 * Experiment arms. New candidacies are allocated by stratified permuted blocks
 * (src/domain/experiment/, src/app/experiment/allocate.ts).
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

/**
 * How arms were given before the allocation (FNV-1a hash of project and candidacy, reproducible
 * but not balanced): candidacies created then keep the arm it gave them; nothing calls it now.
 */
export function assignArm(projectId: string, candidacyId: string, testShare: number): ExperimentArm {
  const bucket = fnv1a(`${projectId}:${candidacyId}`) / 0x1_0000_0000;
  return bucket < testShare ? 'test' : 'control';
}
