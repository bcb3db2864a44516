/** The model as built: its session options with their juries, and the LP text. */
import type { SessionModality, Slot, Venue } from '../../../domain/jury/types.js';

export interface Jury {
  /** Indices in `instance.members`. */
  members: number[];
  /** Fees and travel (what the plan will show). */
  costCents: number;
  /** The gender penalty when unbalanced, else 0 (objective only). */
  penaltyCents: number;
  /** The option's candidates it may examine (indices in `instance.candidates`). */
  covers: number[];
}

export interface SessionOption {
  rncpCode: string;
  slot: Slot;
  modality: SessionModality;
  venue: Venue | null;
  /** Indices in `instance.candidates` that may sit in it. */
  candidates: number[];
  juries: Jury[];
}

export interface PlanModel {
  lp: string;
  options: SessionOption[];
  /** Candidates of the model (indices in `instance.candidates`). */
  candidates: number[];
  /** Every variable name. */
  variables: string[];
  constraints: number;
  /** Values of a warm-start solution by variable name (absent: 0), when one was given. */
  start?: Map<string, number>;
}
