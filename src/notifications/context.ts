/** What a template may use: loaded from Postgres by the e-mail activity, never from history. */
export interface EmailContext {
  recipientName: string;
  candidacyId: string;
  candidate: { firstName: string; lastName: string };
  certification: { rncpCode: string; title: string };
  blocks: { code: string; title: string }[];
  /** Non-personal values from the workflow: dates, counts, reasons, operator ids. */
  data: Record<string, string | number | boolean | string[] | undefined>;
  /** Operator names looked up from ids in `data` (e.g. the coaching operator). */
  operatorNames: Record<string, string>;
}

/** Formats an ISO date for a French reader: « 3 février 2027 ». */
export function dateFr(iso: unknown): string {
  if (typeof iso !== 'string' || Number.isNaN(Date.parse(iso))) return String(iso ?? '');
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(iso));
}

export function blocksLabel(ctx: EmailContext): string[] {
  return ctx.blocks.map((b) => `${b.code} — ${b.title}`);
}
