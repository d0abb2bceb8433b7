import type { ApiError } from '../../bridge';
import { ErrorAlert } from '../../components/feedback';

export function SaveRow(props: { pending: boolean; done: boolean; error: ApiError | null; label?: string; disabled?: boolean }) {
  return (
    <div className="stack">
      {props.error && <ErrorAlert title="Not saved" error={props.error} />}
      <div className="row">
        <button type="submit" className="btn primary" disabled={props.pending || props.disabled}>
          {props.pending ? 'Saving…' : (props.label ?? 'Save')}
        </button>
        {props.done && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </div>
  );
}
