import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { tracedBundlePath, WORKFLOW_TRACING_MODULE } from '../src/observability/worker.js';

/** Prebuilds the workflow bundle so production workers start without webpack (npm run build). */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workflowsPath = path.join(root, 'src/workflows/index.ts');
mkdirSync(path.join(root, 'dist'), { recursive: true });
const out = path.join(root, 'dist/workflow-bundle.js');
// The same code with the OpenTelemetry workflow interceptors, for a worker with tracing on.
const bundles: [file: string, workflowInterceptorModules: string[]][] = [
  [out, []],
  [tracedBundlePath(out), [WORKFLOW_TRACING_MODULE]],
];
for (const [file, workflowInterceptorModules] of bundles) {
  const started = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules });
  writeFileSync(file, code);
  console.log(
    `workflow bundle: ${file} (${(code.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms)`,
  );
}
