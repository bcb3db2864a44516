import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';

/** Prebuilds the workflow bundle so production workers start without webpack (npm run build). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const { code } = await bundleWorkflowCode({ workflowsPath: path.join(root, 'src/workflows/index.ts') });
mkdirSync(path.join(root, 'dist'), { recursive: true });
const out = path.join(root, 'dist/workflow-bundle.js');
writeFileSync(out, code);
console.log(`workflow bundle: ${out} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`);
