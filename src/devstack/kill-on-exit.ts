import type { ChildProcess } from 'node:child_process';

const children = new Map<ChildProcess, NodeJS.Signals>();
let hooked = false;

/**
 * Signals `child` when this process exits without having stopped it (an uncaught error, a bare
 * process.exit()), so that servers do not outlive the dev stack and hold their ports. Nothing can be
 * done on SIGKILL. Returns a function that forgets the child (call it once the child is stopped).
 */
export function killOnExit(child: ChildProcess, signal: NodeJS.Signals): () => void {
  children.set(child, signal);
  if (!hooked) {
    hooked = true;
    // 'exit' handlers must be synchronous: kill() is, and the child then finishes its shutdown alone.
    process.on('exit', () => {
      for (const [c, sig] of children) {
        if (c.exitCode === null && c.signalCode === null) c.kill(sig);
      }
    });
  }
  child.once('exit', () => children.delete(child));
  return () => children.delete(child);
}
