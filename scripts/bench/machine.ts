import os from 'node:os';

/** The machine a bench ran on, as every results file records it (load averages rounded to 0.01). */
export function machineFacts(loadAverageAtStart: number) {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: Math.round(loadAverageAtStart * 100) / 100,
  };
}
