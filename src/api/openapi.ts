import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { escapeHtml } from '../notifications/layout.js';

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'Jeton d’API personnel (créé par un administrateur, affiché une seule fois).',
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Parcours VAE — API',
      version: '0.1.0',
      description:
        'Parcours de validation des acquis de l’expérience par blocs de compétences, exécutés comme workflows Temporal durables. Erreurs au format application/problem+json.',
    },
    servers: [{ url: '/' }],
  });
}

type Doc = ReturnType<typeof buildOpenApiDocument>;

/** A self-contained reference page (no CDN: it must work offline). */
export function renderReferencePage(doc: Doc): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {})) {
      if (typeof op !== 'object' || op === null || !('responses' in op)) continue;
      const o = op as {
        summary?: string;
        description?: string;
        requestBody?: unknown;
        parameters?: unknown[];
        responses: Record<string, { description?: string }>;
      };
      const responses = Object.entries(o.responses)
        .map(([code, r]) => `<li><code>${escapeHtml(code)}</code> ${escapeHtml(r.description ?? '')}</li>`)
        .join('');
      const details = [
        o.parameters?.length
          ? `<h4>Paramètres</h4><pre>${escapeHtml(JSON.stringify(o.parameters, null, 2))}</pre>`
          : '',
        o.requestBody ? `<h4>Corps</h4><pre>${escapeHtml(JSON.stringify(o.requestBody, null, 2))}</pre>` : '',
      ].join('');
      sections.push(`<section>
<h3><span class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p><strong>${escapeHtml(o.summary ?? '')}</strong></p><p>${escapeHtml(o.description ?? '')}</p>
<h4>Réponses</h4><ul>${responses}</ul>
${details ? `<details><summary>Schémas</summary>${details}</details>` : ''}
</section>`);
    }
  }
  const schemas = JSON.stringify(doc.components?.schemas ?? {}, null, 2);
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(doc.info.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1e1e1e}
section{border-top:1px solid #ddd;padding:.5rem 0}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}
.m{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;padding:2px 6px;font-size:13px}
.get{background:#1f6feb}.post{background:#2da44e}.delete{background:#cf222e}.put,.patch{background:#9a6700}</style></head>
<body><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Document machine : <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p>
${sections.join('\n')}
<h2>Schémas</h2><pre>${escapeHtml(schemas)}</pre></body></html>`;
}
