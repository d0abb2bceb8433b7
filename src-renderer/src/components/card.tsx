import type { ReactNode } from 'react';

export function Card(props: { title?: ReactNode; hint?: ReactNode; actions?: ReactNode; flush?: boolean; children: ReactNode; labelledBy?: string; className?: string }) {
  const headingId = props.labelledBy;
  return (
    <section className={`card ${props.className ?? ''}`} aria-labelledby={headingId}>
      {props.title !== undefined && (
        <div className="card-header">
          <div>
            <h2 id={headingId}>{props.title}</h2>
            {props.hint !== undefined && <div className="hint">{props.hint}</div>}
          </div>
          {props.actions && <div className="row">{props.actions}</div>}
        </div>
      )}
      <div className={`card-body${props.flush ? ' flush' : ''}`}>{props.children}</div>
    </section>
  );
}

export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{props.title}</h1>
        {props.description && <p>{props.description}</p>}
      </div>
      {props.actions && <div className="page-actions">{props.actions}</div>}
    </header>
  );
}
