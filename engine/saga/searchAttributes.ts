import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

// Every custom search attribute Procession sets. The dev-server launcher registers exactly this list,
// and against an existing cluster it is added through the operator API when missing.
export const SagaType = defineSearchAttributeKey('SagaType', SearchAttributeType.KEYWORD);
export const AggregateId = defineSearchAttributeKey('AggregateId', SearchAttributeType.KEYWORD);
export const CorrelationId = defineSearchAttributeKey('CorrelationId', SearchAttributeType.KEYWORD);
export const SagaProgressPercent = defineSearchAttributeKey('SagaProgressPercent', SearchAttributeType.INT);

export const processionSearchAttributes = [SagaType, AggregateId, CorrelationId, SagaProgressPercent];
