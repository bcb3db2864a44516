import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes: what an administrator filters on in the Temporal Web UI.
 * IDs, codes and dates only, never personal data.
 */
export const VaeStage = defineSearchAttributeKey('VaeStage', SearchAttributeType.KEYWORD);
export const WaitingOn = defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD);
export const OperatorId = defineSearchAttributeKey('OperatorId', SearchAttributeType.KEYWORD);
export const ProjectId = defineSearchAttributeKey('ProjectId', SearchAttributeType.KEYWORD);
export const CertificationCode = defineSearchAttributeKey('CertificationCode', SearchAttributeType.KEYWORD);
export const ExperimentArm = defineSearchAttributeKey('ExperimentArm', SearchAttributeType.KEYWORD);
export const NextDeadline = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const Reinforced = defineSearchAttributeKey('Reinforced', SearchAttributeType.BOOL);
/** Jury sessions (jury-session workflows); they also set CertificationCode, ProjectId, OperatorId (the organiser). */
export const JurySessionStatus = defineSearchAttributeKey('JurySessionStatus', SearchAttributeType.KEYWORD);
export const JurySessionAt = defineSearchAttributeKey('JurySessionAt', SearchAttributeType.DATETIME);
export const JuryModality = defineSearchAttributeKey('JuryModality', SearchAttributeType.KEYWORD);

export const ALL_SEARCH_ATTRIBUTES = [
  VaeStage,
  WaitingOn,
  OperatorId,
  ProjectId,
  CertificationCode,
  ExperimentArm,
  NextDeadline,
  Reinforced,
  JurySessionStatus,
  JurySessionAt,
  JuryModality,
];
