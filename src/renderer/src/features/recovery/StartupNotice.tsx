/** The strip after an unclean shutdown: what recovery found and what needs a person. */
import { describeUncleanStart, selectReconciling, selectStartupNotice, uncleanStartAdvice } from './recovery';
import { useBaton } from '../../app/react';
import { Spinner } from '../../ui/feedback';

/**
 * A strip across the top of the main column (it pushes the view down rather
 * than covering it). After a crash or kill, says once what recovery found (built from
 * AppStatus.recovery): how many sessions were reattached, interrupted… and
 * what to do about the ones that need a person.
 */
export function StartupNotice() {
  const notice = useBaton(selectStartupNotice);
  const reconciling = useBaton(selectReconciling);
  const dismiss = useBaton((s) => s.dismissStartupNotice);
  if (!notice) return null;
  const advice = notice.report ? uncleanStartAdvice(notice.report) : [];
  return (
    <section className="app-notice" role="status" aria-label="Recovery after an unclean shutdown" data-testid="startup-notice">
      <div className="app-notice-icon" aria-hidden>
        {!notice.report && reconciling ? <Spinner /> : '!'}
      </div>
      <div className="app-notice-body">
        <p className="app-notice-title">{describeUncleanStart(notice.report, reconciling)}</p>
        {advice.map((a) => (
          <p key={a} className="muted small">
            {a}
          </p>
        ))}
      </div>
      <button className="btn btn-ghost btn-sm" onClick={dismiss}>
        Dismiss
      </button>
    </section>
  );
}
