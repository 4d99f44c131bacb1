// Small shared pieces: state and status badges, event chips.

import type { MonitorState, RunEventJson, RunStatus } from '../../../shared/protocol.ts';

const STATE_LABELS: Record<MonitorState, string> = {
  new: 'no runs yet',
  running: 'running',
  stuck: 'stuck',
  success: 'ok',
  failed: 'failed',
};

/** A monitor's state as a coloured pill. */
export function StateBadge({ state }: { state: MonitorState }) {
  return <span class={`badge state-${state}`}>{STATE_LABELS[state]}</span>;
}

/** A run's status as a coloured pill. */
export function StatusBadge({ status }: { status: RunStatus }) {
  return <span class={`badge status-${status}`}>{status}</span>;
}

/** A run event's type; its detail shows on hover. */
export function EventChip({ event }: { event: Pick<RunEventJson, 'type' | 'detail'> }) {
  return (
    <span class={`chip event-${event.type.toLowerCase()}`} title={event.detail ?? undefined}>
      {event.type}
    </span>
  );
}
