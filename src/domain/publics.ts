/** The publics an experimental project targets (the notice: people with little or no
 * qualification, people whose job is threatened, job seekers, employees of sectors in tension). */
export const TARGET_PUBLICS = [
  'low_qualified',
  'job_threatened',
  'job_seekers',
  'sectors_in_tension',
  'all_workers',
] as const;
export type TargetPublic = (typeof TARGET_PUBLICS)[number];
