import { sendCommand } from '../engine/http';
import type { DomainCommand } from '../domain/registry';

/** The engine's sendCommand for the shop's commands: a route's command is checked where it is built. */
export const sendShopCommand = sendCommand<DomainCommand>;
