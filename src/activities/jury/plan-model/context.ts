/** What the builders of one model share, and which members may sit in a session of it. */
import {
  assessesCertification,
  isAvailable,
  remainingCap,
  sessionYear,
  slotsOverlap,
} from '../../../domain/jury/eligibility.js';
import type { PlanningInstance, PoolMember, SessionModality, Slot } from '../../../domain/jury/types.js';
import type { Carried } from './carried.js';
import type { PruningOptions } from './pruning.js';

export interface Context {
  instance: PlanningInstance;
  pruning: PruningOptions;
  /** What the sub-plans solved before this one already hold. */
  carried: Carried;
  /** Candidate → members qualified for them and not tied to them. */
  okFor: Map<number, Set<number>>;
  /** Candidate → members tied to them. */
  tiedTo: Map<number, Set<number>>;
}

const left = (ctx: Context, m: PoolMember, year: string) =>
  remainingCap(m, year, ctx.carried.sessions.get(m.id)?.get(year) ?? 0);
const free = (ctx: Context, m: PoolMember, slot: Slot) =>
  !(ctx.carried.busy.get(m.id) ?? []).some((b) => slotsOverlap(b, slot));

export const sits = (ctx: Context, m: PoolMember, code: string) =>
  m.active && (!ctx.pruning.assessorsOnly || assessesCertification(m, code));

export const mayUse = (ctx: Context, m: PoolMember, code: string, slot: Slot, modality: SessionModality) =>
  sits(ctx, m, code) &&
  left(ctx, m, sessionYear(slot)) > 0 &&
  isAvailable(m, slot) &&
  free(ctx, m, slot) &&
  (modality === 'on_site' || m.remote);
