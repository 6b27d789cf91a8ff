/**
 * @module
 * Asks for the reason of an acknowledgement or closure (required to close), with the common
 * reasons one click away.
 */
import { useState, type ReactNode } from 'react';
import type { AlertStatus } from '../api/types';
import { Dialog } from '../components/dialog';

const COMMON = [
  'False positive',
  'Benign: expected administrative activity',
  'Duplicate of another alert',
  'Resolved: contained and remediated',
];

/** The dialog. */
export function ReasonDialog(props: {
  status: AlertStatus;
  count: number;
  onCancel: () => void;
  onConfirm: (reason: string) => void;
}): ReactNode {
  const [reason, setReason] = useState('');
  const closing = props.status === 'closed';
  const verb = closing ? 'Close' : 'Acknowledge';
  const ok = !closing || reason.trim() !== '';
  return (
    <Dialog
      title={`${verb} ${props.count} alert${props.count === 1 ? '' : 's'}`}
      onClose={props.onCancel}
      footer={
        <>
          <button type="button" className="btn btn-ghost" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className={`btn ${closing ? 'btn-danger' : 'btn-primary'}`}
            disabled={!ok}
            onClick={() => props.onConfirm(reason.trim())}
          >
            {verb}
          </button>
        </>
      }
    >
      <label className="field">
        <span>Reason{closing ? ' (required)' : ' (optional)'}</span>
        <textarea
          name="reason"
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required={closing}
          autoFocus
        />
      </label>
      <div className="chips" role="group" aria-label="Common reasons">
        {COMMON.map((c) => (
          <button key={c} type="button" className="chip" onClick={() => setReason(c)}>
            {c}
          </button>
        ))}
      </div>
    </Dialog>
  );
}
