import type { ProjectPolicySettings } from '../domain/policy.js';
import type {
  MemberGender,
  MemberProfile,
  PoolMember,
  Qualification,
  WeeklyWindow,
} from '../domain/jury/types.js';
import type { OperatorRole, UserRole } from '../domain/roles.js';

/** A member of the demo jury pool (owned by the demo jury-organisation operator). */
export interface DemoJuryMember {
  id: string;
  name: string;
  email: string;
  profile: MemberProfile;
  gender: MemberGender;
  qualifications: Qualification[];
  ties: PoolMember['ties'];
  availability: PoolMember['availability'];
  remote: boolean;
  homeDepartement: string;
  feeCents: number;
  travelCents: number;
  yearlyCap: number;
}

/** The first six members, seeded before the pool had its planning attributes: their IDs stay. */
const FIRST_MEMBERS: [string, MemberProfile, MemberGender][] = [
  ['Hélène Martin', 'professional', 'F'],
  ['Karim Benali', 'professional', 'M'],
  ['Isabelle Roux', 'trainer', 'F'],
  ['Thomas Petit', 'trainer', 'M'],
  ['Amina Diallo', 'professional', 'F'],
  ['Julien Morel', 'professional', 'M'],
];
const FIRST_NAMES_F = ['Sophie', 'Nathalie', 'Camille', 'Sandrine', 'Aurélie', 'Fatima', 'Céline', 'Valérie'];
const FIRST_NAMES_F2 = ['Mireille', 'Léa', 'Chantal', 'Yasmina', 'Brigitte', 'Élise', 'Nadège'];
const FIRST_NAMES_M = [
  'Philippe',
  'Mehdi',
  'Laurent',
  'Olivier',
  'Stéphane',
  'Youssef',
  'Patrick',
  'Antoine',
];
const FIRST_NAMES_M2 = ['Rachid', 'Nicolas', 'Didier', 'Bruno', 'Sébastien', 'Franck', 'Hugo'];
const LAST_NAMES = [
  'Lefèvre',
  'Garnier',
  'Chevalier',
  'Fontaine',
  'Rousseau',
  'Mercier',
  'Blanc',
  'Guérin',
  'Boyer',
  'Lambert',
  'Faure',
  'Henry',
  'Girard',
  'Bonnet',
  'Dupuis',
  'Lemoine',
  'Caron',
  'Barbier',
  'Perrin',
  'Renaud',
  'Colin',
  'Arnaud',
  'Picard',
  'Roche',
  'Meunier',
  'Gauthier',
  'Noël',
  'Brun',
  'Haddad',
  'Nguyen',
];
const DEPARTEMENTS = ['75', '92', '93', '94', '77', '78', '91', '95'];
/** Weekly patterns: mornings, afternoons, whole days, on weekdays and some Saturdays. */
const WINDOWS: WeeklyWindow[][] = [
  [
    { weekday: 1, from: '09:00', to: '12:30' },
    { weekday: 3, from: '09:00', to: '12:30' },
  ],
  [
    { weekday: 2, from: '09:00', to: '17:30' },
    { weekday: 4, from: '09:00', to: '17:30' },
  ],
  [{ weekday: 5, from: '13:30', to: '18:00' }],
  [
    { weekday: 1, from: '14:00', to: '18:00' },
    { weekday: 2, from: '14:00', to: '18:00' },
    { weekday: 4, from: '14:00', to: '18:00' },
  ],
  [
    { weekday: 3, from: '08:30', to: '17:00' },
    { weekday: 6, from: '09:00', to: '12:00' },
  ],
  [
    { weekday: 2, from: '09:00', to: '12:00' },
    { weekday: 5, from: '09:00', to: '12:00' },
  ],
];
const UNAVAILABLE = ['2027-02-15', '2027-02-16', '2027-04-06', '2027-05-07', '2027-05-14', '2027-06-01'];
const COACHING_OPERATOR = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0104';
const COACH_USER = '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0203';

function asciiEmail(first: string, last: string): string {
  const part = (s: string) =>
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[^a-z]+/g, '-');
  return `${part(first)}.${part(last)}@demo.parcours-vae.local`;
}

/**
 * The demo jury pool: 36 fictional members over the two demo certifications (some assess only a
 * few blocks), generated from a fixed seed so every run seeds the same pool. About 60 % accept
 * remote sessions; they live in Île-de-France; fees from 80 to 250 €, travel from 0 to 120 €,
 * 6 to 20 sessions a year; a few are tied to an employer or to the demo coaching operator.
 */
function demoJuryPool(): DemoJuryMember[] {
  let seed = 0x5eed_0301;
  // A small linear congruential generator (Numerical Recipes constants): the same pool each run.
  const next = (n: number) => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return (seed >>> 8) % n;
  };
  const females = [...FIRST_NAMES_F, ...FIRST_NAMES_F2];
  const males = [...FIRST_NAMES_M, ...FIRST_NAMES_M2];
  const members: DemoJuryMember[] = [];
  for (let i = 0; i < 36; i++) {
    const first = FIRST_MEMBERS[i];
    const gender: MemberGender = first ? first[2] : i % 2 === 0 ? 'F' : 'M';
    const [firstName, lastName] = first
      ? (first[0].split(' ') as [string, string])
      : [(gender === 'F' ? females : males)[Math.floor((i - 6) / 2)]!, LAST_NAMES[i - 6]!];
    const profile: MemberProfile = first ? first[1] : next(5) < 3 ? 'professional' : 'trainer';
    // The first six assess both certifications, as they did; the others one or both, some a few blocks.
    const kind = first ? 2 : i % 3;
    const qualifications: Qualification[] = [];
    if (kind === 0 || kind === 2) {
      const subset = !first && i % 5 === 0;
      qualifications.push({
        rncpCode: 'RNCP35830',
        blockCodes: subset ? (i % 2 === 0 ? ['RNCP35830BC01', 'RNCP35830BC02'] : ['RNCP35830BC03']) : 'all',
      });
    }
    if (kind === 1 || kind === 2) {
      qualifications.push({
        rncpCode: 'RNCP34147',
        blockCodes: !first && i % 7 === 1 ? ['RNCP34147BC01'] : 'all',
      });
    }
    const employers: string[] = [];
    if (i % 8 === 3 && qualifications.some((q) => q.rncpCode === 'RNCP35830'))
      employers.push('Aide à Domicile 75');
    if (i % 9 === 4 && qualifications.some((q) => q.rncpCode === 'RNCP34147')) {
      employers.push('Propreté Services Île-de-France');
    }
    const unavailable = i % 4 === 1 ? [UNAVAILABLE[next(6)]!, UNAVAILABLE[next(6)]!] : [];
    members.push({
      id: `7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e03${String(i + 1).padStart(2, '0')}`,
      name: `${firstName} ${lastName}`,
      email: asciiEmail(firstName, lastName),
      profile,
      gender,
      qualifications,
      ties: {
        employers,
        operatorIds: i % 10 === 7 ? [COACHING_OPERATOR] : [],
        userIds: i === 17 ? [COACH_USER] : [],
      },
      availability: {
        weekly: WINDOWS[next(WINDOWS.length)]!,
        unavailableDates: [...new Set(unavailable)].sort(),
      },
      remote: next(10) < 4,
      homeDepartement: DEPARTEMENTS[next(DEPARTEMENTS.length)]!,
      feeCents: 8_000 + next(18) * 1_000,
      travelCents: next(13) * 1_000,
      yearlyCap: 6 + next(15),
    });
  }
  return members;
}

/**
 * The demo project seeded by `npm run dev` (and used by the tests): fixed IDs so that a
 * second run finds what the first created. Fictional people and organisations.
 */
export const DEMO = {
  project: {
    id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0001',
    name: 'Expérimentation VAE par blocs de compétences — démonstration',
    targetPublics: ['low_qualified', 'job_threatened', 'sectors_in_tension'],
    policy: { overrides: {}, arms: {} } satisfies ProjectPolicySettings,
  },
  /**
   * The same project with every clock in seconds or minutes, so a person can walk a candidacy
   * through every phase in a few minutes (README, « Parcourir toutes les phases »).
   */
  fastProject: {
    id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0002',
    name: 'Démonstration accélérée (délais en secondes)',
    targetPublics: ['low_qualified', 'job_seekers'],
    policy: {
      overrides: {
        admissibilityDecisionDeadline: { seconds: 600 },
        admissibilityWarningBefore: { seconds: 60 },
        incompleteFileCompletionDelay: { seconds: 600 },
        incompleteFileReminderBefore: { seconds: 120 },
        coachingStartDeadline: { seconds: 1800 },
        inactivityReminderStandard: { seconds: 600 },
        inactivityReminderReinforced: { seconds: 300 },
        abandonmentContestDelay: { seconds: 300 },
        juryDeadlineAfterValidationFile: { seconds: 1800 },
        juryEscalationBefore: { seconds: 600 },
        convocationLeadTime: { seconds: 30 },
        juryReminderBefore: { seconds: 20 },
        resultReminderAfter: { seconds: 120 },
        resultNotificationDeadline: { seconds: 600 },
        transferAcceptanceDelay: { seconds: 600 },
      },
      arms: {},
    } satisfies ProjectPolicySettings,
  },
  operators: [
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0101',
      name: 'Pilotage du projet',
      email: 'pilotage@demo.parcours-vae.local',
      roles: [] as OperatorRole[],
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0102',
      name: 'Point Relais Conseil VAE',
      email: 'conseil@demo.parcours-vae.local',
      roles: ['outreach', 'advice'] as OperatorRole[],
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0103',
      name: 'Certificateur — Ministère du Travail',
      email: 'certification@demo.parcours-vae.local',
      roles: ['certifier'] as OperatorRole[],
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0104',
      name: 'Accompagnement Compétences Plus',
      email: 'accompagnement@demo.parcours-vae.local',
      roles: ['coaching'] as OperatorRole[],
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0105',
      name: 'Jurys & Sessions',
      email: 'jurys@demo.parcours-vae.local',
      roles: ['jury_organisation'] as OperatorRole[],
    },
  ],
  users: [
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0201',
      role: 'advisor',
      operator: 1,
      name: 'Claire Conseil',
      email: 'claire.conseil@demo.parcours-vae.local',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0202',
      role: 'certifier',
      operator: 2,
      name: 'Marc Certif',
      email: 'marc.certif@demo.parcours-vae.local',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0203',
      role: 'coach',
      operator: 3,
      name: 'Nadia Accompagne',
      email: 'nadia.accompagne@demo.parcours-vae.local',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0204',
      role: 'jury_organiser',
      operator: 4,
      name: 'Paul Jury',
      email: 'paul.jury@demo.parcours-vae.local',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0205',
      role: 'project_lead',
      operator: 0,
      name: 'Sophie Pilote',
      email: 'sophie.pilote@demo.parcours-vae.local',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0206',
      role: 'administrator',
      operator: 0,
      name: 'Admin Parcours',
      email: 'admin@demo.parcours-vae.local',
    },
  ] satisfies { id: string; role: UserRole; operator: number; name: string; email: string }[],
  certifications: [
    {
      rncpCode: 'RNCP35830',
      title: 'Titre professionnel Assistant de vie aux familles',
      silenceRule: 'admissible',
      blocks: [
        { code: 'RNCP35830BC01', title: 'Entretenir le logement et le linge d’un particulier' },
        { code: 'RNCP35830BC02', title: 'Accompagner la personne dans les actes essentiels du quotidien' },
        {
          code: 'RNCP35830BC03',
          title: 'Relayer les parents dans la prise en charge des enfants à leur domicile',
        },
      ],
    },
    {
      rncpCode: 'RNCP34147',
      title: 'Titre professionnel Agent de propreté et d’hygiène',
      silenceRule: 'rejected',
      blocks: [
        { code: 'RNCP34147BC01', title: 'Réaliser une prestation de nettoyage manuel' },
        { code: 'RNCP34147BC02', title: 'Réaliser une prestation de nettoyage mécanisé' },
      ],
    },
  ],
  juryMembers: demoJuryPool(),
} as const;

/** The demo candidacy created by `npm run dev` (fictional person; same body as scripts/demo-candidacy.json). */
export const DEMO_CANDIDACY = {
  projectId: DEMO.project.id,
  rncpCode: 'RNCP35830',
  targetBlocks: ['RNCP35830BC01', 'RNCP35830BC02'],
  candidate: {
    firstName: 'Élodie',
    lastName: 'Durand',
    email: 'elodie.durand@exemple.fr',
    phone: '+33 6 12 34 56 78',
    birthYear: 1984,
    qualificationLevel: 'level3' as const,
    jobSituation: 'employed' as const,
  },
};
