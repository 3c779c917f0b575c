import type { TokenCredential } from '@azure/identity';

import type { AppConfig } from '../config/app-config.js';

/**
 * Starts OpenTelemetry export to Azure Monitor when the app runs in Azure with a connection
 * string. Locally it does nothing: no exporter, no network, no console noise.
 *
 * The connection string carries no secret (ingestion is authorised by the managed identity
 * through `Monitoring Metrics Publisher`, local auth being off on the resource).
 */
export async function startTelemetry(
  config: AppConfig,
  credential: TokenCredential,
): Promise<boolean> {
  if (config.runtime !== 'azure' || config.appInsightsConnectionString === undefined) return false;
  const { useAzureMonitor } = await import('@azure/monitor-opentelemetry');
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: config.appInsightsConnectionString,
      credential,
    },
  });
  return true;
}
