import { allHandlersFinished, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import { allowedActions, isTerminal, PHASE_LABELS_FR, type Phase } from '../domain/phases.js';
import { waitingOnKey } from '../domain/roles.js';
import type { Recipient } from '../activities/index.js';
import { journal, mail } from './activities-proxy.js';
import type { Actor, CandidacyInput, CandidacyState, CandidacyView } from './candidacy-types.js';
import { stateQuery } from './messages.js';
import { nextDeadline, publish } from './publish.js';

/**
 * One candidacy, from identification to the jury's result: a long-lived workflow whose
 * state, clocks and next step live in Temporal for the months the path lasts.
 */
export async function candidacy(input: CandidacyInput): Promise<{ phase: Phase }> {
  const state: CandidacyState = input.carriedState ?? {
    phase: 'identified',
    seq: 0,
    responsibleOperatorId: input.adviceOperatorId,
    waitingOn: { kind: 'operator', operatorId: input.adviceOperatorId, role: 'advice' },
    reinforced: input.reinforced,
    deadlines: [],
    remindersSent: 0,
  };
  const workflowId = workflowInfo().workflowId;

  setHandler(stateQuery, (): CandidacyView => view(input, state));

  /** Journals a transition (idempotent on the sequence number) and refreshes the read model. */
  async function transition(type: string, actor: Actor | null, payload: Record<string, unknown>, summary: string) {
    state.seq += 1;
    const next = nextDeadline(state);
    await journal.recordTransition.executeWithOptions({ summary }, [
      {
        candidacyId: input.candidacyId,
        seq: state.seq,
        type,
        actorUserId: actor?.userId ?? null,
        actorOperatorId: actor?.operatorId ?? null,
        occurredAt: new Date().toISOString(),
        payload,
        readModel: {
          phase: state.phase,
          waitingOn: waitingOnKey(state.waitingOn),
          operatorId: state.responsibleOperatorId,
          nextDeadline: next?.dueAt ?? null,
          reinforced: state.reinforced,
        },
      },
    ]);
    publish(input, state);
  }

  /** Sends one e-mail tied to the current transition: its key makes it exactly-once. */
  async function notify(template: string, recipient: Recipient, summary: string, data: Record<string, string | number> = {}) {
    const who = recipient.kind === 'candidate' ? 'candidate' : Object.values(recipient)[1];
    await mail.sendEmail.executeWithOptions({ summary }, [
      {
        key: `${workflowId}/${state.seq}/${template}/${who}`,
        candidacyId: input.candidacyId,
        template,
        recipient,
        data,
      },
    ]);
  }

  if (state.seq === 0) {
    await transition(
      'identified',
      input.createdBy,
      { rncpCode: input.rncpCode, targetBlocks: input.targetBlocks, arm: input.arm, reinforced: input.reinforced },
      'Journal : candidature repérée',
    );
    await notify('candidate.welcome', { kind: 'candidate' }, 'E-mail de bienvenue au candidat');
  } else {
    publish(input, state);
  }

  await condition(() => isTerminal(state.phase) && allHandlersFinished());
  return { phase: state.phase };
}

function view(input: CandidacyInput, state: CandidacyState): CandidacyView {
  return {
    candidacyId: input.candidacyId,
    phase: state.phase,
    phaseLabel: PHASE_LABELS_FR[state.phase],
    waitingOn: state.waitingOn,
    deadlines: state.deadlines,
    allowedActions: allowedActions(state.phase),
    blocks: input.targetBlocks.map((code) => ({ code, status: 'targeted' as const })),
    remindersSent: state.remindersSent,
    reinforced: state.reinforced,
    arm: input.arm,
  };
}
