import type { DomainCommand } from '../domain/registry';
import { dispatch as dispatchAny, type Dispatch } from '../engine/saga/commands';

/** The saga kit's dispatch, checked against the shop's commands. */
export const dispatch: Dispatch<DomainCommand> = dispatchAny;
