import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoTokens } from '../../src/db/seed.js';
import { newCandidacyBody } from '../../test/support/fixtures.js';
import { OPERATORS } from '../../test/support/projects.js';
import type { Step, VirtualUser } from './load.js';
import { CONVOCATION_LEAD_MS } from './stack.js';

export interface HttpTarget {
  baseUrl: string;
  tokens: DemoTokens;
}

/** One authenticated JSON call; throws with the status and problem body unless 2xx. */
export async function callApi(
  target: HttpTarget,
  role: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<unknown> {
  const token = target.tokens[role];
  if (!token) throw new Error(`no demo token for role ${role}`);
  const res = await fetch(target.baseUrl + url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${text.slice(0, 400)}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Margin over the convocation lead time, for the request to reach the workflow. */
const SCHEDULE_MARGIN_MS = 300;
const BLOCKS = ['RNCP35830BC01', 'RNCP35830BC02'];

interface PathStepDef {
  name: string;
  role: 'advisor' | 'certifier' | 'coach';
  body?: (p: CandidacyPath, attempt: number) => unknown;
}

/**
 * The whole path of one candidacy, as its advisor, certifier and coach drive it through the API, each
 * with their own role's token: creation, then the 10 actions from information to the jury's result
 * (with an incomplete admissibility file on the way).
 */
const STEPS: PathStepDef[] = [
  { name: 'create', role: 'advisor' },
  {
    name: 'record-information',
    role: 'advisor',
    body: () => ({
      eligibilityChecked: true,
      rncpCode: 'RNCP35830',
      targetBlocks: BLOCKS,
      profile: { qualificationLevel: 'level4', jobSituation: 'employed' },
    }),
  },
  { name: 'submit-admissibility', role: 'advisor' },
  { name: 'mark-incomplete', role: 'certifier', body: () => ({ missingItems: ['proof_of_experience'] }) },
  { name: 'complete-file', role: 'advisor' },
  { name: 'decide-admissibility', role: 'certifier', body: () => ({ admissible: true }) },
  { name: 'assign-coach', role: 'advisor', body: () => ({ coachOperatorId: OPERATORS.coaching }) },
  {
    name: 'log-coaching-session',
    role: 'coach',
    body: () => ({ date: new Date().toISOString(), durationMinutes: 90, modality: 'remote' }),
  },
  { name: 'submit-validation-file', role: 'coach' },
  {
    name: 'schedule-jury',
    role: 'certifier',
    // Under saturation the Update may reach the workflow later than the margin: a refusal for the lead
    // time is then retried further ahead (the latency counts from the first attempt).
    body: (p, attempt) => {
      const at = Date.now() + CONVOCATION_LEAD_MS + SCHEDULE_MARGIN_MS * 10 ** attempt;
      // The result can be recorded once the session has been held.
      p.notBefore = performance.now() + (at - Date.now()) + 30;
      return {
        sessionAt: new Date(at).toISOString(),
        modality: 'remote',
        place: 'https://visio.exemple.fr/jury-bench',
      };
    },
  },
  {
    name: 'record-jury-result',
    role: 'certifier',
    body: () => ({ outcome: 'full', blocks: BLOCKS.map((code) => ({ code, validated: true })) }),
  },
];

export const ACTION_COUNT = STEPS.length - 1;

/** A virtual team (advisor, certifier, coach) driving one candidacy, one step at a time. */
export class CandidacyPath implements VirtualUser {
  candidacyId: string | undefined;
  notBefore: number | undefined;
  /** performance.now() when the creation was sent / when the jury result was answered. */
  startedAt: number | undefined;
  endedAt: number | undefined;
  /** Requests sent again (a jury session scheduled too close because the Update came late). */
  retries = 0;
  private index = 0;

  constructor(
    private readonly target: HttpTarget,
    private readonly projectId: string,
  ) {}

  next(): Step | undefined {
    const def = STEPS[this.index];
    if (!def) return undefined;
    this.index++;
    return { name: def.name, run: () => this.run(def) };
  }

  private async run(def: PathStepDef): Promise<void> {
    if (def.name === 'create') {
      this.startedAt = performance.now();
      const res = (await callApi(
        this.target,
        def.role,
        'POST',
        '/api/candidacies',
        newCandidacyBody({ projectId: this.projectId }),
      )) as { id: string };
      this.candidacyId = res.id;
      return;
    }
    this.notBefore = undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        await callApi(
          this.target,
          def.role,
          'POST',
          `/api/candidacies/${this.candidacyId}/${def.name}`,
          def.body ? def.body(this, attempt) : {},
        );
        break;
      } catch (err) {
        if (attempt >= 2 || !/"code":"convocation_lead_time"/.test((err as Error).message)) throw err;
        this.retries++;
      }
    }
    if (this.index === STEPS.length) this.endedAt = performance.now();
  }

  get wallMs(): number | undefined {
    return this.startedAt !== undefined && this.endedAt !== undefined
      ? this.endedAt - this.startedAt
      : undefined;
  }

  /** Runs every step back to back (no pacing), waiting only for the jury session to be held. */
  async runUnpaced(): Promise<{ wallMs: number; waitedMs: number; steps: { name: string; ms: number }[] }> {
    let waited = 0;
    const steps: { name: string; ms: number }[] = [];
    for (let step = this.next(); step; step = this.next()) {
      const wait = (this.notBefore ?? 0) - performance.now();
      if (wait > 0) {
        waited += wait;
        await sleep(wait);
      }
      const t = performance.now();
      await step.run();
      steps.push({ name: step.name, ms: performance.now() - t });
    }
    return { wallMs: this.wallMs!, waitedMs: waited, steps };
  }
}
