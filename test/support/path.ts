import assert from 'node:assert/strict';
import type { CandidacyView } from '../../src/workflows/candidacy/contract.js';
import { stateQuery } from '../../src/workflows/candidacy/contract.js';
import { eventually, inSeconds, newCandidacyBody } from './fixtures.js';
import { OPERATORS } from './projects.js';
import type { TestStack } from './stack.js';

/** Drives one candidacy through the HTTP API, as advisors and certifiers would. */
export class CandidacyDriver {
  constructor(
    readonly stack: TestStack,
    readonly id: string,
    readonly email: string,
  ) {}

  static async create(stack: TestStack, overrides: Record<string, unknown> = {}): Promise<CandidacyDriver> {
    const body = newCandidacyBody(overrides);
    const res = await stack.http('POST', '/api/candidacies', { body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return new CandidacyDriver(stack, res.body.id, body.candidate.email);
  }

  get workflowId() {
    return `candidacy-${this.id}`;
  }

  /** Posts an action and expects it accepted; returns the live state it answers with. */
  async act(action: string, body: unknown = {}, role = 'advisor'): Promise<CandidacyView> {
    const res = await this.stack.http('POST', `/api/candidacies/${this.id}/${action}`, { body, role });
    assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
    return res.body as CandidacyView;
  }

  async refused(action: string, body: unknown = {}, role = 'advisor') {
    return this.stack.http('POST', `/api/candidacies/${this.id}/${action}`, { body, role });
  }

  async state(): Promise<CandidacyView> {
    return this.stack.temporal.workflow.getHandle(this.workflowId).query(stateQuery);
  }

  async waitPhase(phase: string, timeoutMs = 20_000): Promise<CandidacyView> {
    return eventually(
      async () => {
        const s = await this.state();
        return s.phase === phase ? s : undefined;
      },
      timeoutMs,
      `phase ${phase}`,
    );
  }

  async events() {
    return this.stack.db
      .selectFrom('candidacy_events')
      .selectAll()
      .where('candidacy_id', '=', this.id)
      .orderBy('seq')
      .execute();
  }

  async waitEvent(type: string, timeoutMs = 20_000) {
    return eventually(
      async () => (await this.events()).find((e) => e.type === type),
      timeoutMs,
      `event ${type}`,
    );
  }

  /** E-mails captured for this candidate (by address) whose subject matches. */
  candidateMails(subject?: RegExp) {
    return this.stack.mail
      .messages()
      .filter((m) => m.to.includes(this.email) && (!subject || subject.test(m.subject)));
  }

  async waitCandidateMail(subject: RegExp, timeoutMs = 20_000) {
    return this.stack.mail.waitFor((m) => m.to.includes(this.email) && subject.test(m.subject), timeoutMs);
  }

  /** E-mails sent for this candidacy to anyone, from the e-mail log. */
  async emailLog() {
    return this.stack.db
      .selectFrom('email_log')
      .selectAll()
      .where('candidacy_id', '=', this.id)
      .orderBy('created_at')
      .execute();
  }

  /** Waits until the e-mail log holds every template given (e-mails leave through an outbox). */
  async waitTemplates(templates: string[], timeoutMs = 20_000) {
    try {
      return await eventually(
        async () => {
          const log = await this.emailLog();
          const sent = new Set(log.filter((l) => l.status === 'sent').map((l) => l.template));
          return templates.every((t) => sent.has(t)) ? log : undefined;
        },
        timeoutMs,
        `e-mails ${templates.join(', ')}`,
      );
    } catch (err) {
      // Say where the path stands: its phase and each logged e-mail's status.
      const [log, live] = await Promise.all([this.emailLog(), this.state().catch(() => undefined)]);
      const seen = log.map((l) => `${l.template}:${l.status}(${l.attempts})`).join(', ');
      throw new Error(
        `${(err as Error).message} — phase ${live?.phase}, ${live?.pendingEmails} in the outbox, log: ${seen}`,
      );
    }
  }

  /**
   * Waits until the workflow's outbox is empty and every logged e-mail is sent and captured, then
   * returns both: a caller compares them one to one (by Message-ID), never while mail is in flight.
   */
  async waitMailSettled(timeoutMs = 20_000) {
    return eventually(
      async () => {
        const [log, live] = await Promise.all([this.emailLog(), this.state()]);
        if (live.pendingEmails !== 0 || !log.every((r) => r.status === 'sent')) return undefined;
        const captured = this.stack.mail
          .messages()
          .filter((m) => m.headers['x-parcours-vae-candidacy'] === this.id);
        const capturedIds = new Set(captured.map((m) => m.messageId));
        return log.every((r) => capturedIds.has(r.message_id ?? '')) ? { log, captured } : undefined;
      },
      timeoutMs,
      'every logged e-mail sent and captured',
    );
  }

  async informAndSubmit(opts: { rncpCode?: string; targetBlocks?: string[] | 'all'; profile?: object } = {}) {
    await this.act('record-information', {
      eligibilityChecked: true,
      rncpCode: opts.rncpCode ?? 'RNCP35830',
      targetBlocks: opts.targetBlocks ?? ['RNCP35830BC01', 'RNCP35830BC02'],
      profile: opts.profile ?? { qualificationLevel: 'level4', jobSituation: 'employed' },
    });
    return this.act('submit-admissibility');
  }

  /** Informed, submitted, declared admissible by the certifier. */
  async toAdmissible(opts: Parameters<CandidacyDriver['informAndSubmit']>[0] = {}) {
    await this.informAndSubmit(opts);
    return this.act('decide-admissibility', { admissible: true }, 'certifier');
  }

  /** Admissible, then a coach assigned. */
  async toCoaching(opts: Parameters<CandidacyDriver['informAndSubmit']>[0] = {}) {
    await this.toAdmissible(opts);
    return this.act('assign-coach', { coachOperatorId: OPERATORS.coaching });
  }

  /** A coaching session first (submit-validation-file requires one), then the validation file. */
  async toValidationFile(opts: Parameters<CandidacyDriver['informAndSubmit']>[0] = {}) {
    await this.toCoaching(opts);
    await this.act(
      'log-coaching-session',
      { date: new Date().toISOString(), durationMinutes: 90, modality: 'remote' },
      'coach',
    );
    return this.act('submit-validation-file', {}, 'coach');
  }

  /** Schedules a session a few seconds ahead (a compressed convocation lead time) and waits for it. */
  async holdJury(seconds = 2) {
    const scheduled = await this.act(
      'schedule-jury',
      { sessionAt: inSeconds(seconds), modality: 'remote', place: 'https://visio.exemple.fr/salle-7' },
      'certifier',
    );
    assert.equal(scheduled.phase, 'jury_scheduled');
    return this.waitPhase('jury_held', 15_000);
  }
}
