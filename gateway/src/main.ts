import { loadConfigOrExit } from '@retail/platform/config';
import { gatewayConfigShape } from './config';

async function main(): Promise<void> {
  // The configuration is checked before the gateway's code loads, so a refused one exits at once.
  const config = loadConfigOrExit(gatewayConfigShape);
  const { createLogger, exitOnShutdownSignal, watchProcessFaults } = require('@retail/platform') as typeof import('@retail/platform');
  const { startGateway } = require('./server') as typeof import('./server');
  const logger = createLogger('gateway', config.LOG_LEVEL);
  watchProcessFaults(logger);
  try {
    const gw = await startGateway(config, { logger });
    exitOnShutdownSignal(logger, config.SHUTDOWN_DRAIN_MS, () => gw.stop(config.SHUTDOWN_DRAIN_MS));
  } catch (e) {
    logger.fatal({ err: e }, 'gateway failed to start');
    process.exit(1);
  }
}

void main();
