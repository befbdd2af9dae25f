import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { channelAggregate, type ChannelCreated } from '../../domain/channel/channel';
import { groupAggregate, type GroupCreated } from '../../domain/group/group';
import type { EventSignalOf } from '../../engine/saga';
import { load } from '../../engine/saga';
import { dispatch } from '../kit';

export const linkChannelsWorkflowType = 'linkChannels';
export const linkChannelsWorkflowId = (groupId: string) => `group-channels:${groupId}`;
/** GroupCreated and ChannelCreated both arrive on this signal, in whichever order they happened. */
export const groupSourceEventSignal =
  defineSignal<[EventSignalOf<GroupCreated | ChannelCreated>]>('groupSourceEvent');

export interface PendingChannel {
  channelId: string;
  /** Epoch ms after which the link is abandoned if the group is still unknown. */
  deadline: number;
}

export interface LinkChannelsInput {
  groupId: string;
  correlationId: string;
  /** How long a channel waits for its group before the link is abandoned (default 1 hour). */
  linkDeadline?: Duration;
  /** Carried across continue-as-new. */
  carried?: { groupKnown: boolean; pending: PendingChannel[]; seenEvents: string[] };
}

export interface LinkChannelsProgress {
  groupId: string;
  groupKnown: boolean;
  pending: PendingChannel[];
  linked: string[];
  abandoned: Array<{ channelId: string; reason: string }>;
}

export const linkChannelsProgressQuery = defineQuery<LinkChannelsProgress>('progress');
export const defaultLinkDeadline = '1 hour';

/** What one run knows: the progress it reports, the channels waiting, the events already handled. */
interface Run {
  input: LinkChannelsInput;
  progress: LinkChannelsProgress;
  pending: Map<string, PendingChannel>;
  seen: Set<string>;
}

/**
 * One saga per group joins two sources that know nothing of each other: it links a channel to its group
 * once both GroupCreated and the channel's ChannelCreated have happened, whichever came first. A channel
 * whose group does not appear within the deadline has its link abandoned, with the reason, on the channel.
 * It ends when nothing waits; a later channel starts a new run, which reads the group from its stream.
 */
export async function linkChannels(input: LinkChannelsInput): Promise<LinkChannelsProgress> {
  const run = startRun(input);
  const { progress, pending } = run;
  // Whichever event started this run, the group may already exist: its stream says so. (Or-ed: a
  // GroupCreated signal may arrive while the read is in flight.)
  if (!progress.groupKnown) {
    const exists = (await load(groupAggregate, input.groupId)).status === 'created';
    progress.groupKnown ||= exists;
  }
  for (;;) {
    if (progress.groupKnown) await linkPending(run);
    else await abandonOverdue(run);
    if (pending.size === 0) {
      await condition(allHandlersFinished);
      // A signal may have arrived while the last step ran; it is handled before the run ends.
      if (pending.size === 0) return progress;
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof linkChannels>({
        ...input,
        carried: {
          groupKnown: progress.groupKnown,
          pending: [...pending.values()],
          seenEvents: [...run.seen],
        },
      });
    }
    const soonest = Math.min(...[...pending.values()].map((channel) => channel.deadline));
    const known = progress.groupKnown;
    const arrived = pending.size;
    await condition(
      () => progress.groupKnown !== known || pending.size !== arrived,
      Math.max(0, soonest - Date.now()),
    );
  }
}

/** The run's state, carried over or fresh, with the progress query and the source-event signal handled. */
function startRun(input: LinkChannelsInput): Run {
  const deadlineMs = msToNumber(input.linkDeadline ?? defaultLinkDeadline);
  const seen = new Set(input.carried?.seenEvents ?? []);
  const pending = new Map((input.carried?.pending ?? []).map((channel) => [channel.channelId, channel]));
  const progress: LinkChannelsProgress = {
    groupId: input.groupId,
    groupKnown: input.carried?.groupKnown ?? false,
    pending: [],
    linked: [],
    abandoned: [],
  };
  setHandler(linkChannelsProgressQuery, () => ({ ...progress, pending: [...pending.values()] }));
  // The relay delivers at least once: an event id seen before changes nothing.
  setHandler(groupSourceEventSignal, (event) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    if (event.eventType === 'GroupCreated') progress.groupKnown = true;
    else if (event.data.channelId && !pending.has(event.data.channelId)) {
      const { channelId } = event.data;
      pending.set(channelId, { channelId, deadline: Date.now() + deadlineMs });
    }
  });
  return { input, progress, pending, seen };
}

/** The group exists: link every waiting channel, except one whose link was given up in an earlier run. */
async function linkPending({ input, progress, pending }: Run): Promise<void> {
  const { groupId, correlationId } = input;
  for (const { channelId } of [...pending.values()]) {
    pending.delete(channelId);
    // A link given up in an earlier run stays given up, even if the group turned up since.
    if ((await load(channelAggregate, channelId)).linkAbandoned !== undefined) continue;
    await dispatch(
      `link:${channelId}`,
      { type: 'LinkChannel', data: { groupId, channelId } },
      correlationId,
      {
        summary: `LinkChannel ${channelId}`,
      },
    );
    progress.linked.push(channelId);
  }
}

/** The group is still unknown: give up the link of every channel past its deadline, saying why. */
async function abandonOverdue({ input, progress, pending }: Run): Promise<void> {
  const { groupId, correlationId } = input;
  for (const { channelId, deadline } of [...pending.values()]) {
    if (deadline > Date.now()) continue;
    pending.delete(channelId);
    const reason = `group ${groupId} did not appear within ${input.linkDeadline ?? defaultLinkDeadline}`;
    await dispatch(
      `abandon:${channelId}`,
      { type: 'AbandonChannelLink', data: { channelId, groupId, reason } },
      correlationId,
      { summary: `AbandonChannelLink ${channelId}` },
    );
    progress.abandoned.push({ channelId, reason });
  }
}
