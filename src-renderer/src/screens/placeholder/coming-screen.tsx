import { PageHeader } from '../../components/card';
import { EmptyState } from '../../components/feedback';

/** A screen whose engine side is not in this build yet: say so plainly, and where to go meanwhile. */
export function ComingScreen(props: { title: string; description: string; what: string }) {
  return (
    <div className="page">
      <PageHeader title={props.title} description={props.description} />
      <div className="card">
        <EmptyState title={`${props.title} are not available in this version`}>{props.what}</EmptyState>
      </div>
    </div>
  );
}
