import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activeDeadlines,
  applyAction,
  initialState,
  judgeAction,
  nextRunningDeadline,
  pendingTimers,
  settleDueClocks,
  validateAction,
  type ActionRequest,
  type CandidacyState,
} from '../../src/domain/candidacy/index.js';
import { addDuration } from '../../src/domain/duration.js';
import { formatDayTimeFr, parisDay, parisYear } from '../../src/domain/paris-time.js';
import { DEFAULT_POLICY, type Policy } from '../../src/domain/policy.js';

const actor = { userId: 'u-1', operatorId: 'op-advice' };
const certifier = { userId: 'u-2', operatorId: 'op-certifier' };

function informed(silenceRule: 'admissible' | 'rejected' = 'admissible'): CandidacyState {
  const s = initialState({
    rncpCode: 'RNCP35830',
    targetBlocks: ['RNCP35830BC01'],
    wholeCertification: false,
    certifierOperatorId: 'op-certifier',
    silenceRule,
    adviceOperatorId: 'op-advice',
    reinforced: false,
  });
  return apply(s, {
    action: 'record-information',
    payload: {
      rncpCode: 'RNCP35830',
      targetBlocks: ['RNCP35830BC01'],
      wholeCertification: false,
      certifierOperatorId: 'op-certifier',
      silenceRule,
      reinforced: false,
    },
    actor,
  });
}

function apply(
  s: CandidacyState,
  req: ActionRequest,
  now = new Date('2027-01-10T09:00:00Z'),
  policy = DEFAULT_POLICY,
) {
  assert.equal(validateAction(s, req, policy, now), null);
  return applyAction(s, req, policy, now).state;
}

const decide = (admissible: boolean): ActionRequest => ({
  action: 'decide-admissibility',
  payload: { admissible, reasons: admissible ? [] : ['dossier insuffisant'] },
  actor: certifier,
});

describe('a clock that ran out takes effect before a later action (issue 9, A.1)', () => {
  const submittedAt = new Date('2027-01-10T09:00:00Z');
  const submitted = () =>
    apply(informed(), { action: 'submit-admissibility', payload: {}, actor }, submittedAt);
  const dueAt = addDuration(submittedAt, DEFAULT_POLICY.admissibilityDecisionDeadline);

  it('settles the silence rule at its instant, with the warnings before it, in order', () => {
    const late = new Date(dueAt.getTime() + 5_000);
    const { state, fired } = settleDueClocks(submitted(), DEFAULT_POLICY, late);
    assert.deepEqual(
      fired.map((f) => f.timer.kind),
      ['admissibility-warning-share', 'admissibility-warning-before', 'admissibility-deadline'],
    );
    assert.equal(state.phase, 'admissible');
    // Decided at the deadline, not when the worker saw it.
    assert.equal(state.admissibility?.decidedAt, dueAt.toISOString());
    assert.equal(state.coaching?.admissibleAt, dueAt.toISOString());
  });

  it('refuses a decision sent after the deadline with the implicit decision and its date', () => {
    const late = new Date(dueAt.getTime() + 1);
    const { refusal, settled } = judgeAction(submitted(), decide(false), DEFAULT_POLICY, late);
    assert.equal(settled.phase, 'admissible');
    assert.equal(refusal?.code, 'implicit_decision_taken');
    assert.deepEqual(refusal?.details?.implicitDecision, {
      admissible: true,
      decidedAt: dueAt.toISOString(),
    });
    assert.match(refusal!.message, new RegExp(formatDayTimeFr(dueAt)));
    // One millisecond before the deadline the certifier still decides.
    const early = judgeAction(submitted(), decide(false), DEFAULT_POLICY, new Date(dueAt.getTime() - 1));
    assert.equal(early.refusal, null);
  });

  it('keeps refusing an explicit decision once the silence rule decided (even much later)', () => {
    const { settled } = judgeAction(submitted(), decide(true), DEFAULT_POLICY, new Date(dueAt.getTime() + 1));
    const refusal = validateAction(
      settled,
      decide(true),
      DEFAULT_POLICY,
      new Date(dueAt.getTime() + 86_400_000),
    );
    assert.equal(refusal?.code, 'implicit_decision_taken');
  });

  it('silence = rejection: a late admissible decision is refused, the request is rejected at its instant', () => {
    const s = apply(
      informed('rejected'),
      { action: 'submit-admissibility', payload: {}, actor },
      submittedAt,
    );
    const { refusal, settled } = judgeAction(s, decide(true), DEFAULT_POLICY, new Date(dueAt.getTime() + 1));
    assert.equal(settled.phase, 'not_admissible');
    assert.equal(refusal?.code, 'implicit_decision_taken');
    assert.match(refusal!.message, /non recevable/);
  });

  it('an incomplete file that lapsed cannot be completed after its delay', () => {
    const s = apply(
      submitted(),
      { action: 'mark-incomplete', payload: { missingItems: ['cv'] }, actor: certifier },
      new Date('2027-01-12T09:00:00Z'),
    );
    const lapseAt = new Date(s.incomplete!.dueAt);
    const { refusal, settled } = judgeAction(
      s,
      { action: 'complete-file', payload: {}, actor },
      DEFAULT_POLICY,
      new Date(lapseAt.getTime() + 1),
    );
    assert.equal(settled.phase, 'admissibility_lapsed');
    assert.equal(refusal?.code, 'request_lapsed');
  });

  it('a transfer not accepted in time is escalated before a late acceptance, which is refused', () => {
    const s = apply(informed(), {
      action: 'request-transfer',
      payload: { toOperatorId: 'op-2', reason: 'r' },
      actor,
    });
    const due = new Date(s.transfer!.dueAt);
    const accept: ActionRequest = {
      action: 'accept-transfer',
      payload: {},
      actor: { userId: 'u-3', operatorId: 'op-2' },
    };
    const { refusal, settled } = judgeAction(s, accept, DEFAULT_POLICY, new Date(due.getTime() + 1));
    assert.equal(settled.transfer, null);
    assert.equal(refusal?.code, 'action_not_allowed');
    assert.match(refusal!.message, /échéance est passée/);
    assert.deepEqual(
      (refusal!.details!.clocksDue as { type: string }[]).map((c) => c.type),
      ['transfer_escalated'],
    );
  });
});

describe('a suspended clock has a remaining time, not a date (issue 9, A.6)', () => {
  it('shows the decision deadline as suspended with its remaining time; NextDeadline uses running clocks', () => {
    const start = new Date('2027-01-10T09:00:00Z');
    let s = apply(informed(), { action: 'submit-admissibility', payload: {}, actor }, start);
    s = apply(
      s,
      { action: 'mark-incomplete', payload: { missingItems: ['cv'] }, actor: certifier },
      new Date('2027-01-20T09:00:00Z'),
    );
    const deadlines = activeDeadlines(s, DEFAULT_POLICY);
    const decision = deadlines.find((d) => d.name === 'admissibility-decision')!;
    assert.equal(decision.dueAt, null);
    assert.equal(decision.suspended, true);
    // Jan 10 → Mar 10 is 59 days, 10 used: 49 left, whenever it is read.
    assert.equal(decision.remainingMs, 49 * 86_400_000);
    assert.equal(decision.remainingLabel, '49 jours');
    assert.equal(nextRunningDeadline(deadlines)?.name, 'incomplete-file');
  });
});

describe('legal deadlines on the Europe/Paris calendar (issue 9, A.7)', () => {
  it('adds months on Paris dates: 31 January 10:00 Paris + 1 month = 28 February 10:00 Paris', () => {
    const from = new Date('2027-01-31T09:00:00Z');
    assert.equal(addDuration(from, { months: 1 }).toISOString(), '2027-02-28T09:00:00.000Z');
  });

  it('keeps the time of day across the change to summer time: 2 months from 10 February 10:00 is 10 April 10:00', () => {
    const from = new Date('2027-02-10T09:00:00Z'); // 10:00 CET
    assert.equal(addDuration(from, { months: 2 }).toISOString(), '2027-04-10T08:00:00.000Z'); // 10:00 CEST
    assert.equal(addDuration(from, { days: 60 }).toISOString(), '2027-04-11T08:00:00.000Z');
  });

  it('a request at 00:30 in Paris on 1 March is on the Paris day, and its deadline lands on 1 May', () => {
    const from = new Date('2027-02-28T23:30:00Z'); // 1 March 00:30 CET
    assert.equal(parisDay(from), '2027-03-01');
    const due = addDuration(from, { months: 2 });
    assert.equal(parisDay(due), '2027-05-01');
    assert.equal(due.toISOString(), '2027-04-30T22:30:00.000Z');
    assert.equal(parisYear(new Date('2026-12-31T23:30:00Z')), 2027);
  });

  it('policies in seconds stay exact', () => {
    const policy: Policy = { ...DEFAULT_POLICY, admissibilityDecisionDeadline: { seconds: 20 } };
    const from = new Date('2027-03-28T00:59:50Z'); // across the spring change
    assert.equal(addDuration(from, policy.admissibilityDecisionDeadline).getTime() - from.getTime(), 20_000);
  });

  it('timer summaries give Paris dates', () => {
    const s = apply(
      informed(),
      { action: 'submit-admissibility', payload: {}, actor },
      new Date('2027-01-31T23:30:00Z'), // 1 February 00:30 in Paris
    );
    const deadline = pendingTimers(s, DEFAULT_POLICY).find((t) => t.kind === 'admissibility-deadline')!;
    assert.match(deadline.summary, /échéance 2027-04-01/);
  });
});
