// A duration threshold shown as text and edited in place: click, type seconds
// (decimals allowed, blank clears), Enter saves with PATCH, Escape cancels.

import { useState } from 'preact/hooks';
import { MAX_THRESHOLD_SECONDS, PLAIN_SECONDS_PATTERN, thresholdMs } from '../../../shared/protocol.ts';
import { formatDuration } from '../core/time.ts';

/** One duration threshold, shown and edited in place. */
export function ThresholdEditor({
  label,
  field,
  seconds,
  onSave,
}: {
  label: string;
  field: 'min_duration_seconds' | 'max_duration_seconds';
  seconds: number | null;
  onSave: (field: 'min_duration_seconds' | 'max_duration_seconds', value: number | null) => Promise<void>;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const start = () => {
    setText(seconds === null ? '' : String(seconds));
    setError(null);
    setEditing(true);
  };
  const save = async () => {
    const trimmed = text.trim();
    if (trimmed !== '' && !PLAIN_SECONDS_PATTERN.test(trimmed)) {
      setError('a number of seconds, e.g. 0.5 or 3600 (blank for none)');
      return;
    }
    const value = trimmed === '' ? null : Number(trimmed);
    // The same rules as the collector's, said in seconds.
    if (value !== null && value > MAX_THRESHOLD_SECONDS) {
      setError(`at most 31 days (${MAX_THRESHOLD_SECONDS.toLocaleString('en-US')} s)`);
      return;
    }
    if (value !== null && value !== 0 && thresholdMs(value) === 0) {
      setError('under a millisecond, the smallest step: use 0.001 or more');
      return;
    }
    setBusy(true);
    try {
      await onSave(field, value);
      setEditing(false);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="threshold" data-testid={`threshold-${field}`}>
      <div class="stat-label">{label}</div>
      {editing ? (
        <form
          class="threshold-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <input
            type="text"
            inputMode="decimal"
            aria-label={`${label} in seconds`}
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
            onKeyDown={(e) => e.key === 'Escape' && setEditing(false)}
            autoFocus
            disabled={busy}
          />
          <span class="muted small">s</span>
          <button type="submit" disabled={busy}>
            Save
          </button>
          <button type="button" class="ghost" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" class="threshold-value" onClick={start} title="Click to edit">
          {seconds === null ? 'not set' : formatDuration(seconds * 1000)}
          <span class="edit-hint" aria-hidden="true">
            ✎
          </span>
        </button>
      )}
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
