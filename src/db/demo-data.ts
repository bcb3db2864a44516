import type { ProjectPolicySettings } from '../domain/policy.js';
import type { OperatorRole, UserRole } from '../domain/roles.js';

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
  juryMembers: [
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0301',
      name: 'Hélène Martin',
      email: 'helene.martin@demo.parcours-vae.local',
      profile: 'professional',
      gender: 'F',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0302',
      name: 'Karim Benali',
      email: 'karim.benali@demo.parcours-vae.local',
      profile: 'professional',
      gender: 'M',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0303',
      name: 'Isabelle Roux',
      email: 'isabelle.roux@demo.parcours-vae.local',
      profile: 'trainer',
      gender: 'F',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0304',
      name: 'Thomas Petit',
      email: 'thomas.petit@demo.parcours-vae.local',
      profile: 'trainer',
      gender: 'M',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0305',
      name: 'Amina Diallo',
      email: 'amina.diallo@demo.parcours-vae.local',
      profile: 'professional',
      gender: 'F',
    },
    {
      id: '7b0f5a52-3c1e-4c6b-9a57-6f0d2a1e0306',
      name: 'Julien Morel',
      email: 'julien.morel@demo.parcours-vae.local',
      profile: 'professional',
      gender: 'M',
    },
  ],
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
