// `npm start`: the engine's roles with the shop's application, its API and, with every role, its demo.
import path from 'node:path';
import { runProcessMain } from '../engine/application';
import { buildApp } from '../api/app';
import { runDemo } from '../scripts/demo';
import { shopApplication } from './application';
import { triggerSettingsFromEnv } from './settings';

void runProcessMain({
  application: shopApplication,
  buildApi: buildApp,
  settingsFromEnv: triggerSettingsFromEnv,
  apiKeyFile: path.resolve(__dirname, '../data/api-keys'),
  whenAllRunning: async (apiUrl, apiKey, say) => {
    if (process.env.DEMO === 'off') return;
    const figures = await runDemo(apiUrl, say, {
      apiKey,
      bulkCustomers: process.env.DEMO_BULK_CUSTOMERS ? Number(process.env.DEMO_BULK_CUSTOMERS) : undefined,
    });
    say(`demo finished: ${JSON.stringify(figures)}`);
  },
});
