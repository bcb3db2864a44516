/**
 * `npx tsx scripts/bench/indicators-compute.ts N [--runs R] [--breakdown arm|…|none] [--json file]`: the
 * Node side of the indicators alone (`indicatorsOf`, everything after the facts are loaded), on N
 * synthetic candidacies and about N / 17 held jury sessions, no database. Fixed seed: the same
 * cohort at every run. Prints the time of each run (wall clock, and CPU of the process's threads),
 * their median, the JSON's size and the heap.
 * The whole request's target is p95 ≤ 1 s at 100,000, SQL included: this part should stay well
 * under 500 ms. With `node --import tsx --cpu-prof` it gives the profile of that part.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { BREAKDOWNS, type Breakdown } from '../../src/app/indicators/breakdowns.js';
import { indicatorsOf } from '../../src/app/indicators/compute.js';
import type { CandidacyFacts } from '../../src/app/indicators/facts.js';
import type { JurySessionFacts } from '../../src/app/indicators/jury-costs.js';
import type { TargetScope } from '../../src/domain/candidacy/journal-events.js';
import type { Phase } from '../../src/domain/phases.js';
import { mulberry32 } from './jury-instance.js';

const DAY = 86_400_000;
const AS_OF = Date.UTC(2028, 0, 1, 9, 0, 0);
const START = Date.UTC(2026, 0, 1);
const OPERATORS = 20;
const PERIODS = 24;

const SEED = 20261202;
let random = mulberry32(SEED);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const days = (min: number, spread: number) => Math.round((min + random() * spread) * DAY);
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;

/** Each step's instant or null (not reached, or after asOf), then where the path stands. */
function candidacy(operatorIds: readonly string[]): CandidacyFacts {
  const identifiedAt = START + Math.floor(random() * PERIODS * 30.4 * DAY);
  const month = new Date(identifiedAt);
  const scope: TargetScope = pick(['one_block', 'one_block', 'several_blocks', 'whole_certification']);
  const targetedBlocks = scope === 'one_block' ? 1 : scope === 'several_blocks' ? 2 : 3;
  const u = random();
  const at = (previous: number | null, reached: boolean, delay: number) =>
    previous !== null && reached && previous + delay <= AS_OF ? previous + delay : null;
  const informedAt = at(identifiedAt, u > 0.28, days(1, 20));
  const requestedAt = at(informedAt, random() < 0.72, days(3, 25));
  const implicit = random() < 0.2;
  const decidedAt = at(requestedAt, random() < 0.93, implicit ? 61 * DAY : days(5, 50));
  const admissible = decidedAt === null ? null : implicit || random() < 0.82;
  const coachAssignedAt = at(admissible ? decidedAt : null, random() < 0.92, days(2, 30));
  const validationFileAt = at(coachAssignedAt, random() < 0.78, days(40, 120));
  const presentedAt = at(validationFileAt, random() < 0.88, days(30, 60));
  const validatedBlocks = presentedAt === null ? 0 : Math.floor(random() * (targetedBlocks + 1));
  const blocksValidatedAt = validatedBlocks > 0 ? presentedAt : null;
  // Where it ended, or where it is.
  const steps: [number | null, Phase][] = [
    [identifiedAt, 'identified'],
    [informedAt, 'informed'],
    [requestedAt, 'admissibility_requested'],
    [decidedAt, admissible === false ? 'not_admissible' : 'admissible'],
    [coachAssignedAt, 'coaching'],
    [validationFileAt, 'validation_file_submitted'],
    [presentedAt, 'result'],
  ];
  const last = steps.filter(([t]) => t !== null).at(-1)!;
  let phase = last[1];
  let closedAt: number | null = phase === 'not_admissible' || phase === 'result' ? last[0] : null;
  if (closedAt === null && random() < 0.35) {
    const when = last[0]! + days(5, 80);
    if (when <= AS_OF) {
      phase = pick([
        'withdrawn',
        'abandoned',
        'archived',
        ...(requestedAt ? ['admissibility_lapsed' as const] : []),
      ]);
      closedAt = when;
    }
  }
  const waiting: CandidacyFacts['waiting'] = {};
  for (let k = 0; k < steps.length; k++) {
    const [from, p] = steps[k]!;
    if (from === null || p === 'result' || p === 'not_admissible') continue;
    const to = steps[k + 1]?.[0] ?? closedAt ?? AS_OF;
    const span = Math.max(0, to - from);
    const candidateShare = p === 'informed' || p === 'coaching' ? 0.8 : 0.2;
    waiting[p] = { candidateMs: span * candidateShare, operatorMs: span * (1 - candidateShare) };
  }
  // A closed path's last phase is in the journal too, waiting on nobody.
  if (closedAt !== null) waiting[phase] = { candidateMs: 0, operatorMs: 0 };
  const small = (p: number) => (random() < p ? 1 + Math.floor(random() * 3) : 0);
  const transfersRequested = random() < 0.04 ? 1 : 0;
  return {
    id: uuid(),
    arm: random() < 0.5 ? 'test' : 'control',
    reinforced: random() < 0.3,
    scope,
    adviceOperatorId: random() < 0.02 ? null : pick(operatorIds),
    period: `${month.getUTCFullYear()}-${String(month.getUTCMonth() + 1).padStart(2, '0')}`,
    rncpCode: random() < 0.7 ? 'RNCP35830' : 'RNCP34147',
    targetedBlocks,
    birthYear: 1960 + Math.floor(random() * 45),
    qualificationLevel: pick(['3', '4', '5', '6']),
    jobSituation: pick(['employed', 'job_seeker', 'other']),
    identifiedAt,
    informedAt,
    requestedAt,
    decidedAt,
    admissible,
    implicitDecision: decidedAt === null ? null : implicit,
    coachAssignedAt,
    validationFileAt,
    presentedAt,
    blocksValidatedAt,
    validatedBlocks,
    certificationObtained: validatedBlocks === targetedBlocks,
    lastOutcome: presentedAt === null ? null : validatedBlocks === 0 ? 'refused' : 'partial',
    phase,
    closedAt,
    juryRemote: validationFileAt === null ? null : random() < 0.3,
    waiting,
    reminders: {
      incompleteFile: small(0.2),
      inactivity: small(0.15),
      jury: small(0.1),
      admissibilityWarning: small(0.1),
      result: small(0.05),
      juryEscalation: small(0.03),
    },
    transfersRequested,
    transfersAccepted: transfersRequested && random() < 0.75 ? 1 : 0,
    transfersEscalated: transfersRequested && random() < 0.25 ? 1 : 0,
    phaseHandoffs: 1 + Math.floor(random() * 3),
    juryDeadlineMissed: small(0.02) ? 1 : 0,
    overdue: closedAt === null && random() < 0.05,
  };
}

/** N / 17 sessions of 17 candidacies convened each, drawn among those with a validation file. */
function sessionsOf(facts: readonly CandidacyFacts[]): JurySessionFacts[] {
  const filed = facts.filter((f) => f.validationFileAt !== null);
  const pool = filed.length > 0 ? filed : facts;
  const members = Array.from({ length: 300 }, uuid);
  return Array.from({ length: Math.round(facts.length / 17) }, () => ({
    id: uuid(),
    remote: random() < 0.33,
    costCents: random() < 0.9 ? 50_000 + Math.floor(random() * 250_000) : null,
    memberIds: Array.from({ length: 3 + Math.floor(random() * 3) }, () => pick(members)),
    candidates: Array.from({ length: 17 }, () => {
      const f = pick(pool);
      return { candidacyId: f.id, examined: f.presentedAt !== null, validatedBlocks: f.validatedBlocks };
    }),
  }));
}

/** The same cohort at every call (the seed is reset). */
export function buildCohort(n: number) {
  random = mulberry32(SEED);
  const operatorIds = Array.from({ length: OPERATORS }, uuid);
  const operatorNames = new Map(operatorIds.map((id, k) => [id, `Organisme ${k + 1}`]));
  // In id order, as loadCandidacyFacts returns them, allocated in that order as its rows are.
  const facts = Array.from({ length: n }, () => candidacy(operatorIds))
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((f) => structuredClone(f));
  // Cloned: flat strings, as the driver's, not the concatenations built here.
  return { facts, sessions: structuredClone(sessionsOf(facts)), operatorNames, asOf: new Date(AS_OF) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const k = args.indexOf(`--${name}`);
    return k >= 0 ? args[k + 1] : undefined;
  };
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  const runs = Number(option('runs') ?? 5);
  const dimension = option('breakdown') ?? 'arm';
  if (dimension !== 'none' && !BREAKDOWNS.includes(dimension as Breakdown)) {
    throw new Error(`--breakdown: ${BREAKDOWNS.join(', ')} or none`);
  }
  const breakdown = dimension === 'none' ? undefined : (dimension as Breakdown);
  const jsonPath = option('json');

  const { facts, sessions, operatorNames, asOf } = buildCohort(n);
  const convened = sessions.reduce((s, x) => s + x.candidates.length, 0);
  const share = (p: (f: CandidacyFacts) => boolean) => `${Math.round((facts.filter(p).length / n) * 100)} %`;
  console.log(
    `${n} candidacies (informed ${share((f) => f.informedAt !== null)}, requested ${share((f) => f.requestedAt !== null)}, ` +
      `implicit ${share((f) => f.implicitDecision === true)}, coached ${share((f) => f.coachAssignedAt !== null)}, ` +
      `file ${share((f) => f.validationFileAt !== null)}, examined ${share((f) => f.presentedAt !== null)}, ` +
      `open ${share((f) => f.closedAt === null)}), ${sessions.length} jury sessions, ${convened} convened; ` +
      `breakdown ${dimension}; ${runs} runs`,
  );
  const project = { id: 'bench', name: 'Projet de mesure' };
  const times: number[] = [];
  const cpu: number[] = [];
  let json = '';
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const out = indicatorsOf(project, facts, sessions, operatorNames, { breakdown }, asOf);
    const computed = performance.now() - t;
    json = JSON.stringify(out);
    const total = performance.now() - t;
    times.push(total);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    console.log(
      `run ${r + 1}: ${total.toFixed(0)} ms (compute ${computed.toFixed(0)}, JSON ${(total - computed).toFixed(0)}; ` +
        `CPU ${cpu.at(-1)!.toFixed(0)} ms, GC threads included)`,
    );
  }
  if (jsonPath) writeFileSync(jsonPath, json);
  const heap = process.memoryUsage();
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `median ${median(times).toFixed(0)} ms per call (compute + JSON.stringify; min ${sorted[0]!.toFixed(0)}, ` +
      `max ${sorted.at(-1)!.toFixed(0)}; CPU median ${median(cpu).toFixed(0)} ms); JSON ${Buffer.byteLength(json)} bytes; ` +
      `heap used ${mib(heap.heapUsed)}, rss ${mib(heap.rss)}`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
