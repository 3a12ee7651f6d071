import { createLogger, exitOnShutdownSignal, loadConfigOrExit } from '@retail/platform';
import { gatewayConfigShape } from './config';
import { startGateway } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigShape);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  try {
    const gw = await startGateway(config, { logger });
    exitOnShutdownSignal(logger, config.SHUTDOWN_DRAIN_MS, () => gw.stop(config.SHUTDOWN_DRAIN_MS));
  } catch (e) {
    logger.fatal({ err: e }, 'gateway failed to start');
    process.exit(1);
  }
}

void main();
