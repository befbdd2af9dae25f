import fs from 'node:fs';
import path from 'node:path';
import { historiesDir } from '../harness/histories';
import { patchMarkers } from '../../workflows/patches';

interface MarkerEvent {
  eventType: string;
  markerRecordedEventAttributes?: {
    markerName: string;
    details?: Record<string, { payloads?: Array<{ data?: string }> }>;
  };
}

/** The patch ids a recorded history holds (Temporal records each as a `core_patch` marker). */
function patchIdsIn(file: string): string[] {
  const { events } = JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')) as {
    events: MarkerEvent[];
  };
  return events.flatMap((event) => {
    const marker = event.markerRecordedEventAttributes;
    if (event.eventType !== 'EVENT_TYPE_MARKER_RECORDED' || marker?.markerName !== 'core_patch') return [];
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id] : [];
  });
}

// workflows/patches.ts is the one list of markers running sagas depend on: a marker a saga records but
// the list does not name would be removed, some day, by someone who could not know a run still needs it.
test('every patch marker in the recorded histories is listed in workflows/patches.ts', () => {
  const listed = new Set(patchMarkers.map((patch) => patch.marker));
  const recorded = new Set(
    fs
      .readdirSync(historiesDir)
      .filter((file) => file.endsWith('.json'))
      .flatMap(patchIdsIn),
  );
  expect([...recorded].filter((marker) => !listed.has(marker))).toEqual([]);
  expect([...listed].filter((marker) => !recorded.has(marker))).toEqual([]);
});
