import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * The DSFR (Système de design de l'État, npm `@gouvfr/dsfr`), served from node_modules at `/dsfr/`:
 * no CDN. Only what the layout uses: the compiled stylesheet, the icon utility classes, and the
 * fonts, icons and favicons they point to. No JavaScript: the console works without it.
 */
const packageJson = createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json');
const DIST = path.join(path.dirname(packageJson), 'dist');
const VERSION = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** The stylesheets carry the version: a new DSFR is a new URL, so they are cached for a year. */
export const DSFR_ASSETS = {
  css: `/dsfr/dsfr.min.css?v=${VERSION}`,
  icons: `/dsfr/utility/icons/icons.min.css?v=${VERSION}`,
  favicon: '/dsfr/favicon',
  version: VERSION,
} as const;

const YEAR = { maxAge: '365d', immutable: true } as const;
// Fonts and icons are named by the stylesheets without a version: a month, then revalidated (ETag).
const MONTH = { maxAge: '30d', index: false, dotfiles: 'ignore', redirect: false } as const;

const FILES: Record<string, string> = {
  '/dsfr.min.css': 'dsfr.min.css',
  '/utility/icons/icons.min.css': 'utility/icons/icons.min.css',
};

export function dsfrStatic(): Router {
  const router = Router();
  for (const [url, file] of Object.entries(FILES)) {
    router.get(`/dsfr${url}`, (_req, res, next) => {
      res.sendFile(file, { ...YEAR, root: DIST }, (err) => {
        if (err) next(err);
      });
    });
  }
  router.use('/dsfr/fonts', express.static(path.join(DIST, 'fonts'), MONTH));
  router.use('/dsfr/icons', express.static(path.join(DIST, 'icons'), MONTH));
  router.use('/dsfr/favicon', express.static(path.join(DIST, 'favicon'), MONTH));
  return router;
}
