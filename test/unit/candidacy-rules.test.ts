import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  activeDeadlines,
  applyAction,
  applyTimer,
  initialState,
  pauseClock,
  pendingTimers,
  remainingMs,
  resumeClock,
  startClock,
  validateAction,
  type ActionRequest,
  type CandidacyState,
} from '../../src/domain/candidacy/index.js';
import { assignArm } from '../../src/domain/arm.js';
import { addDuration, subtractDuration } from '../../src/domain/duration.js';
import {
  DEFAULT_POLICY,
  isReinforced,
  policyOverridesSchema,
  resolvePolicy,
} from '../../src/domain/policy.js';
import { domainRefusals } from '../../src/app/reference/policy-view.js';
import { checkYearlyLimit } from '../../src/domain/yearly-limit.js';

const actor = { userId: 'u-1', operatorId: 'op-advice' };
const t0 = new Date('2027-01-10T09:00:00Z');
const at = (days: number) => new Date(t0.getTime() + days * 86_400_000);

function fresh(): CandidacyState {
  return initialState({
    rncpCode: 'RNCP35830',
    targetBlocks: ['RNCP35830BC02', 'RNCP35830BC01'],
    wholeCertification: false,
    certifierOperatorId: 'op-certifier',
    silenceRule: 'admissible',
    adviceOperatorId: 'op-advice',
    reinforced: false,
  });
}

function act(state: CandidacyState, req: Omit<ActionRequest, 'actor'>, now: Date, policy = DEFAULT_POLICY) {
  const full = { ...req, actor } as ActionRequest;
  const refusal = validateAction(state, full, policy, now);
  assert.equal(refusal, null, `refused: ${refusal?.message}`);
  return applyAction(state, full, policy, now);
}

function informedAndSubmitted(now = t0) {
  let s = act(
    fresh(),
    {
      action: 'record-information',
      payload: {
        rncpCode: 'RNCP35830',
        targetBlocks: ['RNCP35830BC01'],
        wholeCertification: false,
        certifierOperatorId: 'op-certifier',
        silenceRule: 'admissible',
        reinforced: false,
      },
    },
    now,
  ).state;
  s = act(s, { action: 'submit-admissibility', payload: {} }, now).state;
  return s;
}

describe('pausable clock', () => {
  it('keeps its remaining time while suspended and resumes from there', () => {
    const c = startClock(10_000, new Date(0));
    const paused = pauseClock(c, new Date(4_000));
    assert.equal(remainingMs(paused, new Date(60_000)), 6_000);
    const resumed = resumeClock(paused, new Date(100_000));
    assert.equal(remainingMs(resumed, new Date(101_000)), 5_000);
  });
});

describe('admissibility clock', () => {
  it('starts at submission: due 2 months later (L. 6412-2), the certifier must act', () => {
    const s = informedAndSubmitted();
    assert.equal(s.phase, 'admissibility_requested');
    const deadline = activeDeadlines(s, DEFAULT_POLICY).find((d) => d.name === 'admissibility-decision');
    assert.equal(deadline?.dueAt, '2027-03-10T09:00:00.000Z');
    const timers = pendingTimers(s, DEFAULT_POLICY).map((t) => t.kind);
    assert.deepEqual(timers, [
      'admissibility-warning-share',
      'admissibility-warning-before',
      'admissibility-deadline',
    ]);
  });

  it('is suspended while the file is incomplete and resumes with the time left', () => {
    let s = informedAndSubmitted();
    s = act(s, { action: 'mark-incomplete', payload: { missingItems: ['identity_document'] } }, at(10)).state;
    assert.equal(s.phase, 'admissibility_incomplete');
    assert.ok(
      !pendingTimers(s, DEFAULT_POLICY).some((t) => t.kind === 'admissibility-deadline'),
      'no decision timer while suspended',
    );
    assert.deepEqual(
      pendingTimers(s, DEFAULT_POLICY).map((t) => t.kind),
      ['incomplete-reminder', 'incomplete-lapse'],
    );
    s = act(s, { action: 'complete-file', payload: {} }, at(30)).state;
    const due = pendingTimers(s, DEFAULT_POLICY).find((t) => t.kind === 'admissibility-deadline')!;
    // 59 days in total (Jan 10 → Mar 10), 10 used before the pause: 49 left from day 30.
    assert.equal(due.dueAt, at(30 + 49).toISOString());
  });

  it('applies the silence rule when it runs out: admissible, or rejected where the certification says so', () => {
    const s = informedAndSubmitted();
    const deadline = pendingTimers(s, DEFAULT_POLICY).find((t) => t.kind === 'admissibility-deadline')!;
    const yes = applyTimer(s, deadline, DEFAULT_POLICY, new Date(deadline.dueAt));
    assert.equal(yes.state.phase, 'admissible');
    assert.deepEqual((yes.transition.payload as { implicit: boolean }).implicit, true);
    assert.deepEqual(yes.transition.emails.map((e) => e.template).sort(), [
      'advisor.admissibility_decision',
      'candidate.admissibility_decision',
      'certifier.implicit_decision',
    ]);
    const no = applyTimer(
      { ...s, silenceRule: 'rejected' },
      deadline,
      DEFAULT_POLICY,
      new Date(deadline.dueAt),
    );
    assert.equal(no.state.phase, 'not_admissible');
  });

  it('lapses an incomplete request at the end of the completion delay', () => {
    let s = informedAndSubmitted();
    s = act(s, { action: 'mark-incomplete', payload: { missingItems: ['cerfa_form'] } }, at(1)).state;
    const lapse = pendingTimers(s, DEFAULT_POLICY).find((t) => t.kind === 'incomplete-lapse')!;
    assert.equal(lapse.dueAt, at(31).toISOString());
    const out = applyTimer(s, lapse, DEFAULT_POLICY, at(31));
    assert.equal(out.state.phase, 'admissibility_lapsed');
  });
});

describe('actions and phases', () => {
  it('refuses an action outside its phase with the reason', () => {
    const refusal = validateAction(
      fresh(),
      { action: 'decide-admissibility', payload: { admissible: true, reasons: [] }, actor },
      DEFAULT_POLICY,
      t0,
    );
    assert.equal(refusal?.code, 'action_not_allowed');
    assert.match(refusal!.message, /Repéré/);
  });

  it('requires reasons for a rejection and a lead time for the convocation', () => {
    const s = informedAndSubmitted();
    assert.equal(
      validateAction(
        s,
        { action: 'decide-admissibility', payload: { admissible: false, reasons: [] }, actor },
        DEFAULT_POLICY,
        t0,
      )?.code,
      'reasons_required',
    );
  });

  it('checks that a jury result is consistent with the blocks', () => {
    let s = informedAndSubmitted();
    s = act(s, { action: 'decide-admissibility', payload: { admissible: true, reasons: [] } }, at(1)).state;
    s = act(s, { action: 'assign-coach', payload: { coachOperatorId: 'op-coach' } }, at(2)).state;
    s = act(
      s,
      {
        action: 'log-coaching-session',
        payload: { date: at(3).toISOString(), durationMinutes: 60, modality: 'remote' },
      },
      at(3),
    ).state;
    s = act(s, { action: 'submit-validation-file', payload: {} }, at(100)).state;
    assert.equal(
      validateAction(
        s,
        {
          action: 'schedule-jury',
          payload: { sessionAt: at(105).toISOString(), modality: 'remote', place: 'https://visio' },
          actor,
        },
        DEFAULT_POLICY,
        at(100),
      )?.code,
      'convocation_lead_time',
    );
    s = act(
      s,
      {
        action: 'schedule-jury',
        payload: { sessionAt: at(130).toISOString(), modality: 'remote', place: 'https://visio' },
      },
      at(100),
    ).state;
    const early = validateAction(
      s,
      {
        action: 'record-jury-result',
        payload: { outcome: 'full', blocks: [{ code: 'RNCP35830BC01', validated: true }] },
        actor,
      },
      DEFAULT_POLICY,
      at(120),
    );
    assert.equal(early?.code, 'jury_not_held');
    const wrong = validateAction(
      s,
      {
        action: 'record-jury-result',
        payload: { outcome: 'partial', blocks: [{ code: 'RNCP35830BC01', validated: true }] },
        actor,
      },
      DEFAULT_POLICY,
      at(131),
    );
    assert.equal(wrong?.code, 'inconsistent_result');
  });

  it('cancels a convocation back to waiting, the 3-month deadline unchanged; a session’s convocation only by its session', () => {
    let s = informedAndSubmitted();
    s = act(s, { action: 'decide-admissibility', payload: { admissible: true, reasons: [] } }, at(1)).state;
    s = act(s, { action: 'assign-coach', payload: { coachOperatorId: 'op-coach' } }, at(2)).state;
    s = act(
      s,
      {
        action: 'log-coaching-session',
        payload: { date: at(3).toISOString(), durationMinutes: 60, modality: 'remote' },
      },
      at(3),
    ).state;
    s = act(s, { action: 'submit-validation-file', payload: {} }, at(10)).state;
    const deadline = s.jury!.deadlineAt;
    const session = {
      sessionAt: at(40).toISOString(),
      modality: 'remote' as const,
      place: 'https://visio',
      sessionId: 's-1',
    };
    s = act(s, { action: 'schedule-jury', payload: session }, at(20)).state;
    assert.equal(s.jury!.session!.sessionId, 's-1');
    // By hand (no session ID), or by another session: refused.
    for (const payload of [{ reason: 'other' as const }, { reason: 'other' as const, sessionId: 's-2' }]) {
      assert.equal(
        validateAction(s, { action: 'cancel-jury', payload, actor }, DEFAULT_POLICY, at(21))?.code,
        'jury_session_managed',
      );
    }
    assert.equal(
      validateAction(
        s,
        { action: 'schedule-jury', payload: { ...session, sessionId: undefined }, actor },
        DEFAULT_POLICY,
        at(21),
      )?.code,
      'jury_session_managed',
    );
    const cancelled = act(
      s,
      { action: 'cancel-jury', payload: { reason: 'session_cancelled', sessionId: 's-1' } },
      at(21),
    );
    assert.equal(cancelled.state.phase, 'validation_file_submitted');
    assert.equal(cancelled.state.jury!.session, null);
    assert.equal(cancelled.state.jury!.deadlineAt, deadline);
    assert.deepEqual(
      cancelled.transition.emails.map((e) => e.template),
      ['candidate.jury_cancelled'],
    );
    assert.ok(pendingTimers(cancelled.state, DEFAULT_POLICY).some((t) => t.kind === 'jury-deadline'));
  });
});

describe('inactivity reminders', () => {
  function coaching(reinforced: boolean) {
    let s = informedAndSubmitted();
    s = { ...s, reinforced };
    s = act(s, { action: 'decide-admissibility', payload: { admissible: true, reasons: [] } }, at(1)).state;
    return act(s, { action: 'assign-coach', payload: { coachOperatorId: 'op-coach' } }, at(2)).state;
  }

  it('reminds every 30 days (standard) or 14 days (reinforced)', () => {
    const std = pendingTimers(coaching(false), DEFAULT_POLICY).find((t) => t.kind === 'inactivity-reminder')!;
    const rnf = pendingTimers(coaching(true), DEFAULT_POLICY).find((t) => t.kind === 'inactivity-reminder')!;
    assert.equal(std.dueAt, at(32).toISOString());
    assert.equal(rnf.dueAt, at(16).toISOString());
  });

  it('proposes abandonment after 3 unanswered reminders, then abandons after 15 days', () => {
    let s = coaching(false);
    for (let i = 1; i <= 3; i++) {
      const t = pendingTimers(s, DEFAULT_POLICY).find((x) => x.kind === 'inactivity-reminder')!;
      s = applyTimer(s, t, DEFAULT_POLICY, new Date(t.dueAt)).state;
      assert.equal(s.coaching!.unansweredReminders, i);
    }
    const proposal = pendingTimers(s, DEFAULT_POLICY).find((x) => x.kind === 'abandonment-proposal')!;
    s = applyTimer(s, proposal, DEFAULT_POLICY, new Date(proposal.dueAt)).state;
    assert.equal(s.phase, 'abandonment_proposed');
    const contest = pendingTimers(s, DEFAULT_POLICY).find((x) => x.kind === 'abandonment-contest-deadline')!;
    assert.equal(contest.dueAt, addDuration(new Date(proposal.dueAt), { days: 15 }).toISOString());
    assert.equal(applyTimer(s, contest, DEFAULT_POLICY, new Date(contest.dueAt)).state.phase, 'abandoned');
    const contested = act(s, { action: 'contest-abandonment', payload: {} }, new Date(proposal.dueAt)).state;
    assert.equal(contested.phase, 'coaching');
    assert.equal(contested.coaching!.unansweredReminders, 0);
  });
});

describe('policy, arms, reinforced coaching, yearly limit', () => {
  it('resolves legal defaults, then project, then arm overrides', () => {
    const p = resolvePolicy(
      {
        overrides: { convocationLeadTime: { days: 20 } },
        arms: { test: { convocationLeadTime: { days: 10 } } },
      },
      'test',
    );
    assert.deepEqual(p.convocationLeadTime, { days: 10 });
    assert.deepEqual(
      resolvePolicy({ overrides: { convocationLeadTime: { days: 20 } } }, 'control').convocationLeadTime,
      { days: 20 },
    );
    assert.deepEqual(resolvePolicy({}).admissibilityDecisionDeadline, { months: 2 });
  });

  it('assigns arms reproducibly and close to the configured share', () => {
    assert.equal(assignArm('p', 'c-1', 0.5), assignArm('p', 'c-1', 0.5));
    const n = 2000;
    let test = 0;
    for (let i = 0; i < n; i++) if (assignArm('p', `c-${i}`, 0.5) === 'test') test++;
    assert.ok(test > n * 0.45 && test < n * 0.55, `test share ${test / n}`);
    assert.equal(assignArm('p', 'c-1', 0), 'control');
    assert.equal(assignArm('p', 'c-1', 1), 'test');
  });

  it('reinforces coaching for low qualification or a threatened job', () => {
    assert.equal(
      isReinforced({ qualificationLevel: 'none', jobSituation: 'employed' }, DEFAULT_POLICY),
      true,
    );
    assert.equal(
      isReinforced({ qualificationLevel: 'level5', jobSituation: 'employed_job_threatened' }, DEFAULT_POLICY),
      true,
    );
    assert.equal(
      isReinforced({ qualificationLevel: 'level5', jobSituation: 'employed' }, DEFAULT_POLICY),
      false,
    );
  });

  it('limits whole-certification requests per calendar year, never block requests (R. 6412-3)', () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const past = [{ rncpCode: 'RNCP1', submittedAt: '2027-02-01T00:00:00Z', wholeCertification: true }];
    assert.equal(
      checkYearlyLimit(past, { rncpCode: 'RNCP1', wholeCertification: true }, DEFAULT_POLICY, now)?.code,
      'yearly_limit_certification',
    );
    assert.equal(
      checkYearlyLimit(past, { rncpCode: 'RNCP1', wholeCertification: false }, DEFAULT_POLICY, now),
      null,
    );
    assert.equal(
      checkYearlyLimit(
        [{ ...past[0]!, submittedAt: '2026-12-01T00:00:00Z' }],
        { rncpCode: 'RNCP1', wholeCertification: true },
        DEFAULT_POLICY,
        now,
      ),
      null,
    );
    const three = ['RNCP1', 'RNCP2', 'RNCP3'].map((rncpCode) => ({
      rncpCode,
      submittedAt: '2027-03-01T00:00:00Z',
      wholeCertification: true,
    }));
    assert.equal(
      checkYearlyLimit(three, { rncpCode: 'RNCP4', wholeCertification: true }, DEFAULT_POLICY, now)?.code,
      'yearly_limit_certifications',
    );
  });
});

describe('a policy holds only durations its clocks can compute', () => {
  const from = new Date('2027-06-01T10:00:00Z');

  it('refuses an empty, zero or unbounded duration in the domain check every route ends with', () => {
    for (const bad of [{}, { seconds: 0 }, { days: 0, months: 0 }, { months: 1e9 }, { seconds: 1e12 }]) {
      assert.equal(
        policyOverridesSchema.safeParse({ convocationLeadTime: bad }).success,
        false,
        JSON.stringify(bad),
      );
    }
    const refusals = domainRefusals({
      overrides: { admissibilityDecisionDeadline: { months: 1e9 } },
      arms: { test: { convocationLeadTime: {} }, control: { resultReminderAfter: { seconds: 0 } } },
    });
    assert.deepEqual(refusals.map((r) => r.path).sort(), [
      'body.arms.control.resultReminderAfter',
      'body.arms.test.convocationLeadTime',
      'body.overrides.admissibilityDecisionDeadline.months',
    ]);
    for (const r of refusals) assert.match(r.message, /^Le champ /);
  });

  it('accepts the legal defaults, and any duration it accepts gives a date forward and back', () => {
    assert.deepEqual(domainRefusals({ overrides: { ...DEFAULT_POLICY } }), []);
    const longest = { months: 120, days: 3_660, workingDays: 2_600, hours: 87_840, seconds: 315_360_000 };
    assert.equal(policyOverridesSchema.safeParse({ coachingStartDeadline: longest }).success, true);
    assert.equal(
      policyOverridesSchema.safeParse({ coachingStartDeadline: { ...longest, days: 3_661 } }).success,
      false,
    );
    for (const d of [longest, { seconds: 1 }, { workingDays: 1 }]) {
      assert.ok(Number.isFinite(addDuration(from, d).getTime()), JSON.stringify(d));
      assert.ok(Number.isFinite(subtractDuration(from, d).getTime()), JSON.stringify(d));
    }
  });
});

describe('working days (hand-off acceptance delay)', () => {
  it('skips weekends and French public holidays', async () => {
    const { addWorkingDays, frenchPublicHolidays } = await import('../../src/domain/calendar.js');
    // Easter 2027 is on March 28: Easter Monday March 29, Ascension May 6, Whit Monday May 17.
    assert.deepEqual(
      frenchPublicHolidays(2027).filter((d) => d.startsWith('2027-03') || d.startsWith('2027-05')),
      ['2027-03-29', '2027-05-01', '2027-05-06', '2027-05-08', '2027-05-17'],
    );
    // Thursday 2027-03-25 + 5 working days: Fri 26, (weekend), (Easter Monday), Tue 30, Wed 31, Thu 1, Fri 2.
    // 11:00 in Paris stays 11:00 across the change to summer time (28 March): 10:00 UTC → 09:00 UTC.
    assert.equal(
      addWorkingDays(new Date('2027-03-25T10:00:00Z'), 5).toISOString(),
      '2027-04-02T09:00:00.000Z',
    );
    assert.equal(
      addDuration(new Date('2027-03-25T10:00:00Z'), DEFAULT_POLICY.transferAcceptanceDelay).toISOString(),
      '2027-04-02T09:00:00.000Z',
    );
  });
});
