import { createLogger, loadConfigOrExit } from '@retail/platform';
import { gatewayConfigShape } from './config';
import { startGateway } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigShape);
  const logger = createLogger('gateway', config.LOG_LEVEL);
  try {
    const gw = await startGateway(config, { logger });
    const stop = async (signal: string) => {
      logger.info({ signal }, 'stopping');
      await gw.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  } catch (e) {
    logger.fatal({ err: e }, 'gateway failed to start');
    process.exit(1);
  }
}

void main();
