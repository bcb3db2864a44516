import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { temporalClientInterceptors } from './observability/tracing.js';

export interface TemporalTarget {
  /** Overrides TEMPORAL_ADDRESS (e.g. the embedded dev server's address). */
  address?: string;
  namespace?: string;
}

/**
 * Connection settings follow the SDK convention (@temporalio/envconfig): TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TLS variables and TOML profiles.
 */
export function temporalConnectConfig(target: TemporalTarget = {}) {
  const config = loadClientConnectConfig();
  const connectionOptions = { ...config.connectionOptions };
  if (target.address) connectionOptions.address = target.address;
  if (!connectionOptions.address) connectionOptions.address = 'localhost:7233';
  return { connectionOptions, namespace: target.namespace ?? config.namespace ?? 'default' };
}

export async function connectTemporalClient(target: TemporalTarget = {}): Promise<Client> {
  const { connectionOptions, namespace } = temporalConnectConfig(target);
  const connection = await Connection.connect(connectionOptions);
  return new Client({ connection, namespace, interceptors: temporalClientInterceptors() });
}
