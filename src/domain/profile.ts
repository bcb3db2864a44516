/**
 * The candidate's profile as recorded by the advisor. Levels follow the French national
 * qualification framework (cadre national des certifications, 2019): 3 = CAP/BEP, 4 = bac,
 * 5 = bac+2, 6 = licence, 7 = master, 8 = doctorat.
 */
export const QUALIFICATION_LEVELS = [
  'none',
  'level3',
  'level4',
  'level5',
  'level6',
  'level7',
  'level8',
] as const;
export type QualificationLevel = (typeof QUALIFICATION_LEVELS)[number];

export const JOB_SITUATIONS = [
  'employed',
  'employed_job_threatened',
  'job_seeker',
  'self_employed',
  'inactive',
] as const;
export type JobSituation = (typeof JOB_SITUATIONS)[number];

export interface CandidateProfile {
  qualificationLevel: QualificationLevel;
  jobSituation: JobSituation;
}
